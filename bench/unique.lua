-- wrk script for bench/run.py: makes every request's address unique, so no cache answers it.
--
--   wrk -t1 -c32 -d10s --latency -s bench/unique.lua 'http://127.0.0.1:PORT/?before=...'
--       adds `bench=<thread>-<n>` to the query string: a parameter no page reads, so the
--       page cache misses; pages kept under the parameters they read (the home and tag
--       pages' shared part, search results) still answer, as for a shared link's utm_source.
--   wrk -t1 -c32 -d10s --latency -s bench/unique.lua 'http://127.0.0.1:PORT/' -- cursor
--       asks for `?before=<far future>,<n>` instead: a page cursor nobody asked for before,
--       so the list's query runs and the page is rendered. What every `/` would cost if
--       nothing were kept.

local threads = 0

function setup(thread)
   thread:set("thread_id", threads)
   threads = threads + 1
end

local cursor = false

function init(args)
   cursor = args[1] == "cursor"
end

local counter = 0

function request()
   counter = counter + 1
   local unique = tostring(thread_id or 0) .. "-" .. counter
   if cursor then
      local id = (thread_id or 0) * 1000000000 + counter
      return wrk.format(nil, wrk.path .. "?before=2999-01-01T00:00:00.000000Z%2C" .. tostring(id))
   end
   local path = wrk.path
   local sep = "?"
   if string.find(path, "?", 1, true) then
      sep = "&"
   end
   return wrk.format(nil, path .. sep .. "bench=" .. unique)
end
