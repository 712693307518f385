// The Lua script that updates one correlation group and decides its windows atomically.
// All keys of one (tenant, correlation) share a Redis Cluster hash tag, so the script is cluster-safe.
//
// KEYS: 1 meta hash (c = cursor: end of the last consumed window, l = last decided candidate,
//       m = newest event ts, gk = group key; sliding aggregate: an events, ad distinct values,
//       as sum, aL/aC the l and c it was built for, fr = 1 once a value made running sums inexact),
//       2 events zset (member → ts ms), 3 values hash (member → counted value), 4 pending zset of
//       the (tenant, correlation) (group hash → due ms), 5 aggregate hash (value → occurrences in
//       the window ending at l).
// ARGV: 1 group key ('' when sweeping), 2 timespan ms, 3 tolerance ms, 4 evaluation ('s' sliding,
//       'c' closing), 5 measure ('n' events, 'd' distinct values, 'o' ordered stages, 's' sum,
//       'a' average), 6 lower threshold ('' none), 7 lower inclusive ('1'/'0'), 8 upper threshold
//       ('' none), 9 upper inclusive, 10 excluded value ('' none), 11 stage count, 12 external
//       watermark ms ('' none), 13 key ttl ms, 14 max ids per alert, 15 group hash, 16 event count,
//       then per event: member, ts ms, value (events sorted by ts).
// Returns { inserted, duplicates, discarded, groupKey, { {start, end, measure (text), eventCount, {members}} ... } }.
export const CORRELATION_STEP_LUA = `
local NEG = -9007199254740991
local function fmt(n) return string.format('%.0f', n) end

local T = tonumber(ARGV[2])
local tol = tonumber(ARGV[3])
local mode = ARGV[4]
local kind = ARGV[5]
local lower = tonumber(ARGV[6])
local lowerInc = ARGV[7] == '1'
local upper = tonumber(ARGV[8])
local upperInc = ARGV[9] == '1'
local excl = tonumber(ARGV[10])
local stages = tonumber(ARGV[11])
local external = ARGV[12]
local ttl = tonumber(ARGV[13])
local maxIds = tonumber(ARGV[14])
local gh = ARGV[15]
local n = tonumber(ARGV[16])
local FIRST = 17

local meta = redis.call('HMGET', KEYS[1], 'c', 'l', 'm', 'gk', 'an', 'ad', 'as', 'aL', 'aC', 'fr')
local cursor = tonumber(meta[1]) or NEG
local checked = tonumber(meta[2]) or NEG
local maxTs = tonumber(meta[3]) or NEG
local aggN, aggD, aggS = tonumber(meta[5]), tonumber(meta[6]), tonumber(meta[7])
local aggL, aggC = tonumber(meta[8]), tonumber(meta[9])
local inexact = meta[10] == '1'
local gk = ARGV[1]
if gk == '' then gk = meta[4] or '' end

if n == 0 and redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('ZREM', KEYS[4], gh)
  return {0, 0, 0, gk, {}}
end

-- 1. insert: idempotent on member; too-late events are discarded.
local inserted, dups, discarded = 0, 0, 0
local minInserted = nil
for i = 0, n - 1 do
  local member = ARGV[FIRST + 3 * i]
  local ts = tonumber(ARGV[FIRST + 1 + 3 * i])
  if ts <= cursor or (maxTs ~= NEG and ts < maxTs - T - tol) then
    discarded = discarded + 1
  elseif redis.call('ZSCORE', KEYS[2], member) then
    dups = dups + 1
  else
    redis.call('ZADD', KEYS[2], fmt(ts), member)
    local value = ARGV[FIRST + 2 + 3 * i]
    if kind ~= 'n' then redis.call('HSET', KEYS[3], member, value) end
    if kind == 's' then
      local x = tonumber(value) or 0
      if x ~= math.floor(x) or math.abs(x) >= 1099511627776 then inexact = true end
    end
    inserted = inserted + 1
    if minInserted == nil or ts < minInserted then minInserted = ts end
    if ts > maxTs then maxTs = ts end
  end
end

local W = maxTs - tol
if external ~= '' then
  local ext = tonumber(external)
  if ext > W then W = ext end
end

local function satisfied(m)
  if lower ~= nil then
    if lowerInc then
      if m < lower then return false end
    elseif m <= lower then return false end
  end
  if upper ~= nil then
    if upperInc then
      if m > upper then return false end
    elseif m >= upper then return false end
  end
  if excl ~= nil and m == excl then return false end
  return true
end

-- Sum and average are recomputed from the window in time order, so the floating-point result does
-- not depend on how the scan got there (arrival order, chunking).
local function metric(vals, from, to)
  local sum = 0
  for q = from, to do sum = sum + (tonumber(vals[q]) or 0) end
  if kind == 'a' then
    if to < from then return 0 end
    return sum / (to - from + 1)
  end
  return sum
end

local function text(m) return string.format('%.17g', m) end

local function valuesOf(members)
  local out = {}
  for i = 1, #members, 500 do
    local part = {}
    for j = i, math.min(i + 499, #members) do part[#part + 1] = members[j] end
    local got = redis.call('HMGET', KEYS[3], unpack(part))
    for j = 1, #part do out[#out + 1] = got[j] or '' end
  end
  return out
end

local function load(lo, hi)
  local raw = redis.call('ZRANGEBYSCORE', KEYS[2], fmt(lo), fmt(hi), 'WITHSCORES')
  local mem, tsv = {}, {}
  for i = 1, #raw, 2 do
    mem[#mem + 1] = raw[i]
    tsv[#tsv + 1] = tonumber(raw[i + 1])
  end
  local vals = {}
  if kind ~= 'n' and #mem > 0 then vals = valuesOf(mem) end
  return mem, tsv, vals
end

local function slice(mem, from, to)
  local ids = {}
  for q = from, to do
    if #ids >= maxIds then break end
    ids[#ids + 1] = mem[q]
  end
  return ids
end

local alerts = {}

-- Sliding windows keep an aggregate (events, distinct values, sum) of the window ending at the last
-- decided time, so a batch arriving in order costs O(batch), not O(window). A late insert into the
-- decided range, ordered sequences and inexact sums rescan the window instead.
local function windowLow(E)
  local lo = E - T
  if lo <= cursor then lo = cursor + 1 end
  return lo
end

local aggCounts = {}
local function aggReset()
  aggN, aggD, aggS = 0, 0, 0
  aggCounts = {}
  redis.call('DEL', KEYS[5])
end
local function aggCount(v)
  local c = aggCounts[v]
  if c == nil then
    c = tonumber(redis.call('HGET', KEYS[5], v)) or 0
    aggCounts[v] = c
  end
  return c
end
local function aggAdd(ts, v)
  if ts <= cursor then return end
  aggN = aggN + 1
  if kind == 'd' then
    local c = aggCount(v)
    aggCounts[v] = c + 1
    if c == 0 then aggD = aggD + 1 end
  elseif kind == 's' then
    aggS = aggS + (tonumber(v) or 0)
  end
end
local function aggRemove(ts, v)
  if ts <= cursor then return end
  aggN = aggN - 1
  if kind == 'd' then
    local c = aggCount(v)
    aggCounts[v] = c - 1
    if c == 1 then aggD = aggD - 1 end
  elseif kind == 's' then
    aggS = aggS - (tonumber(v) or 0)
  end
end
local function aggSave(L)
  for v, c in pairs(aggCounts) do
    if c > 0 then redis.call('HSET', KEYS[5], v, c) else redis.call('HDEL', KEYS[5], v) end
  end
  redis.call('HSET', KEYS[1], 'an', aggN, 'ad', aggD, 'as', string.format('%.17g', aggS), 'aL', fmt(L), 'aC', fmt(cursor))
end
local function aggRebuild(L)
  aggReset()
  local mem, tsv, vals = load(windowLow(L), L)
  for q = 1, #mem do aggAdd(tsv[q], vals[q]) end
  aggSave(L)
end

local function fire(E, start, measure, eventCount, ids)
  if ids == nil then
    ids = redis.call('ZRANGEBYSCORE', KEYS[2], fmt(windowLow(E)), fmt(E), 'LIMIT', 0, maxIds)
  end
  alerts[#alerts + 1] = {start, E, text(measure), eventCount, ids}
  cursor = start + T
end

-- Scans candidates in (Lold, W] from the aggregate of the window ending at Lold, then slides it to L.
local function incrementalScan(Lold, L)
  local rmem, rts, rvals = load(Lold + 1, W)
  local lmem, lts, lvals = load(windowLow(Lold), L - T - 1)
  local ri, li, i = 1, 1, 1
  while i <= #rmem do
    local E = rts[i]
    if E > cursor then
      while ri <= #rmem and rts[ri] <= E do aggAdd(rts[ri], rvals[ri]) ri = ri + 1 end
      while li <= #lmem and lts[li] < E - T do aggRemove(lts[li], lvals[li]) li = li + 1 end
      local measure = aggN
      if kind == 'd' then measure = aggD elseif kind == 's' then measure = aggS end
      if aggN > 0 and satisfied(measure) then
        local first = redis.call('ZRANGEBYSCORE', KEYS[2], fmt(windowLow(E)), fmt(E), 'WITHSCORES', 'LIMIT', 0, 1)
        fire(E, tonumber(first[2]), measure, aggN, nil)
        aggReset()
      end
    end
    while i <= #rmem and (rts[i] <= E or rts[i] <= cursor) do i = i + 1 end
  end
  while ri <= #rmem do aggAdd(rts[ri], rvals[ri]) ri = ri + 1 end
  while li <= #lmem and lts[li] < L - T do aggRemove(lts[li], lvals[li]) li = li + 1 end
  aggSave(L)
end

-- Rescans every candidate in [R, W] from the events themselves.
local function fullScan(R)
  local lo = R - T
  if lo <= cursor then lo = cursor + 1 end
  local mem, tsv, vals = load(lo, W)
  local left, right = 1, 0
  local counts, distinct = {}, 0
  -- A running sum is exact (and so independent of the scan's path) when every value is an
  -- integer and the total stays below 2^53; otherwise each window is summed afresh.
  local runSum, exactRunning = 0, kind == 's'
  if exactRunning then
    local absTotal = 0
    for q = 1, #vals do
      local x = tonumber(vals[q]) or 0
      absTotal = absTotal + math.abs(x)
      if x ~= math.floor(x) or absTotal >= 9007199254740992 then exactRunning = false break end
    end
  end
  local lastStage = tostring(stages)
  local i = 1
  while i <= #mem and tsv[i] < R do i = i + 1 end
  while i <= #mem do
    local E = tsv[i]
    while right < #mem and tsv[right + 1] <= E do
      right = right + 1
      if kind == 'd' then
        local v = vals[right]
        counts[v] = (counts[v] or 0) + 1
        if counts[v] == 1 then distinct = distinct + 1 end
      elseif exactRunning then
        runSum = runSum + (tonumber(vals[right]) or 0)
      end
    end
    while left <= right and (tsv[left] < E - T or tsv[left] <= cursor) do
      if kind == 'd' then
        local v = vals[left]
        counts[v] = counts[v] - 1
        if counts[v] == 0 then distinct = distinct - 1 end
      elseif exactRunning then
        runSum = runSum - (tonumber(vals[left]) or 0)
      end
      left = left + 1
    end
    local measure, start, ids = 0, nil, nil
    if kind == 'n' then
      measure = right - left + 1
    elseif kind == 'd' then
      measure = distinct
    elseif kind == 's' or kind == 'a' then
      if exactRunning then measure = runSum else measure = metric(vals, left, right) end
    else
      -- Ordered: earliest greedy subsequence stage 1..k; equal timestamps count as in order.
      -- The first window holding a full sequence ends at a last-stage event: check only those.
      local endsSequence = false
      for q = i, right do
        if vals[q] == lastStage then endsSequence = true break end
      end
      local picked = {}
      local from = left
      for stage = 1, (endsSequence and stages or 0) do
        local want = tostring(stage)
        local found = nil
        for q = from, right do
          if vals[q] == want then found = q break end
        end
        if found == nil then break end
        picked[#picked + 1] = found
        from = found
        while from > left and tsv[from - 1] == tsv[found] do from = from - 1 end
      end
      measure = #picked
      if measure > 0 then
        start = tsv[picked[1]]
        ids = {}
        for q = 1, #picked do ids[#ids + 1] = mem[picked[q]] end
      end
    end
    if right >= left and satisfied(measure) then
      if start == nil then start = tsv[left] end
      if ids == nil then ids = slice(mem, left, right) end
      alerts[#alerts + 1] = {start, E, text(measure), right - left + 1, ids}
      cursor = start + T
    end
    while i <= #mem and (tsv[i] <= E or tsv[i] <= cursor) do i = i + 1 end
  end
end

if mode == 's' then
  -- Sliding: candidates are events in [R, W]; each is the end of a window [E - T, E] (inclusive)
  -- restricted to events after the cursor. Late inserts rewind R so affected windows are re-checked.
  local R = checked + 1
  if minInserted ~= nil and minInserted < R then R = minInserted end
  if R <= cursor then R = cursor + 1 end
  if R <= W then
    -- Candidates are events: nothing after the newest one has been decided, even when a sweep's
    -- watermark is ahead of it (an event lagging behind wall clock must still be a candidate).
    local L = W
    if L > maxTs then L = maxTs end
    if checked > L then L = checked end
    local usesAggregate = kind == 'n' or kind == 'd' or (kind == 's' and not inexact)
    if usesAggregate and aggL == checked and aggC == cursor and (minInserted == nil or minInserted > checked) then
      incrementalScan(checked, L)
    else
      fullScan(R)
      if usesAggregate then aggRebuild(L) end
    end
    checked = L
  end
else
  -- Closing: a window opens at the first event after the cursor, covers [S, S + T] and is judged
  -- once the watermark has reached S + T.
  while true do
    local first = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. fmt(cursor), '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
    if #first == 0 then break end
    local S = tonumber(first[2])
    if S + T > W then break end
    local mem, tsv, vals = load(S, S + T)
    local measure = #mem
    if kind == 'd' then
      local seen = {}
      measure = 0
      for q = 1, #vals do
        if not seen[vals[q]] then seen[vals[q]] = true measure = measure + 1 end
      end
    elseif kind == 's' or kind == 'a' then
      measure = metric(vals, 1, #vals)
    end
    if satisfied(measure) then
      alerts[#alerts + 1] = {S, S + T, text(measure), #mem, slice(mem, 1, #mem)}
    end
    cursor = S + T
  end
end

-- 2. prune events no window can use any more, record state, index pending decisions, set ttls.
local bound = maxTs - 2 * T - tol - 1
if cursor > bound then bound = cursor end
if kind ~= 'n' then
  local old = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', fmt(bound))
  for i = 1, #old, 500 do
    local part = {}
    for j = i, math.min(i + 499, #old) do part[#part + 1] = old[j] end
    redis.call('HDEL', KEYS[3], unpack(part))
  end
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', fmt(bound))

redis.call('HSET', KEYS[1], 'c', fmt(cursor), 'l', fmt(checked), 'm', fmt(maxTs), 'gk', gk, 'fr', inexact and '1' or '0')
local after = cursor
if mode == 's' and checked > after then after = checked end
local nextEv = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. fmt(after), '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
if #nextEv == 0 then
  redis.call('ZREM', KEYS[4], gh)
else
  local due = tonumber(nextEv[2]) + tol
  if mode == 'c' then due = due + T end
  redis.call('ZADD', KEYS[4], fmt(due), gh)
end
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PEXPIRE', KEYS[2], ttl)
redis.call('PEXPIRE', KEYS[3], ttl)
redis.call('PEXPIRE', KEYS[4], ttl)
redis.call('PEXPIRE', KEYS[5], ttl)
return {inserted, dups, discarded, gk, alerts}
`;
