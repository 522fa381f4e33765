-- wrk script for bench/run.py: makes every request's address unique, so no cache answers it.
--
--   wrk -t1 -c32 -d10s --latency -s bench/unique.lua 'http://127.0.0.1:PORT/?before=...'
--       adds `bench=<thread>-<n>` to the query string: a parameter no page reads, as a shared
--       link's utm_source or fbclid. Pages that say which parameters they read (the home and
--       tag pages) are kept under those alone, so the page cache answers; the others (search,
--       the post page) miss it, and what they keep under what they read still answers.
--   wrk -t1 -c32 -d10s --latency -s bench/unique.lua 'http://127.0.0.1:PORT/?before=T%2CN' -- cursor
--       asks for `?before=T,<n>` instead, T being the address's own cursor time (or the far
--       future): a page cursor nobody asked for before, at the same depth, so the list's
--       query runs and the page is rendered. What each page would cost if nothing were kept.

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
      local at = string.match(wrk.path, "before=([^&]-)%%2[Cc]") or string.match(wrk.path, "before=([^&,]+),")
         or "2999-01-01T00:00:00.000000Z"
      local path = string.match(wrk.path, "^[^?]*")
      return wrk.format(nil, path .. "?before=" .. at .. "%2C" .. tostring(id))
   end
   local path = wrk.path
   local sep = "?"
   if string.find(path, "?", 1, true) then
      sep = "&"
   end
   return wrk.format(nil, path .. sep .. "bench=" .. unique)
end
