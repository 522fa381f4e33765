-- wrk script for bench/run.py: makes every request's address unique by adding
-- `bench=<thread>-<n>` to its query string, so no cache (the page cache for
-- anonymous readers, the shared pages for logged-in ones) can answer it and
-- every request renders the page again. The blog ignores the extra parameter.
--
--   wrk -t1 -c32 -d10s --latency -s bench/unique.lua 'http://127.0.0.1:PORT/?before=...'

local threads = 0

function setup(thread)
   thread:set("thread_id", threads)
   threads = threads + 1
end

local counter = 0

function request()
   counter = counter + 1
   local path = wrk.path
   local sep = "?"
   if string.find(path, "?", 1, true) then
      sep = "&"
   end
   return wrk.format(nil, path .. sep .. "bench=" .. tostring(thread_id or 0) .. "-" .. counter)
end
