-- wrk script for bench/run.py: asks for the home page with a new `before` cursor on every
-- request (a far-future moment and a unique id), so the page is one nobody has asked for:
-- neither the page cache nor the shared pages (kept under the cursors a page reads) can
-- answer, and the list's query runs. What every request of `/` would cost if nothing were
-- kept. (bench/unique.lua's extra parameter is one the page does not read.)
--
--   wrk -t1 -c32 -d10s --latency -s bench/new_cursor.lua 'http://127.0.0.1:PORT/'

local threads = 0

function setup(thread)
   thread:set("thread_id", threads)
   threads = threads + 1
end

local counter = 0

function request()
   counter = counter + 1
   local id = (thread_id or 0) * 1000000000 + counter
   return wrk.format(nil, wrk.path .. "?before=2999-01-01T00:00:00.000000Z%2C" .. tostring(id))
end
