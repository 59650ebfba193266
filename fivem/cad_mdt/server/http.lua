-- The CAD client: every request of the resource goes through one bounded queue.
--
-- Plain Lua 5.4: the FiveM functions it needs (PerformHttpRequest, a clock, JSON, a logger) are passed in,
-- so the same module runs under FXServer and under the test shim.
--
-- Network discipline:
--   * at most `MaxQueue` requests wait; a request with a `key` replaces the waiting one with the same key
--     (the position batch: only the newest matters), others are refused with status 0 when full;
--   * connection failures (status 0) and 5xx are retried with exponential backoff, up to `MaxAttempts`;
--   * 429 pauses the whole queue: for `retry_after` seconds from the JSON body (FiveM hands a script the
--     body of a failing response but not its headers), else the Retry-After header when the runtime
--     passes headers, else `RateLimitWaitMs`, doubling while 429s continue; the request is retried;
--   * 401 is not retried and says clearly, in the server console, that the token is wrong.
CadHttp = {}
CadHttp.__index = CadHttp

local function copy(t)
    local out = {}
    for k, v in pairs(t or {}) do out[k] = v end
    return out
end

-- opts: url, token, perform(url, cb, method, body, headers), now() -> ms, encode, decode, log(level, msg),
-- settings (Config.Http)
function CadHttp.new(opts)
    local self = setmetatable({}, CadHttp)
    self.url = (opts.url or ''):gsub('/+$', '')
    self.token = opts.token or ''
    self.perform, self.now = opts.perform, opts.now
    self.encode, self.decode, self.log = opts.encode, opts.decode, opts.log
    self.settings = copy(opts.settings)
    self.queue, self.inFlight = {}, 0
    self.pausedUntil, self.rateLimitStreak = 0, 0
    self.lastAuthLog = nil
    self.stats = { sent = 0, ok = 0, failed = 0, retried = 0, rateLimited = 0, refused = 0,
                   lastOkAt = nil, lastStatus = nil, lastError = nil, authFailed = false }
    return self
end

function CadHttp:configured()
    return self.url ~= '' and self.token ~= ''
end

-- Queue a request. cb(status, data) gets the decoded JSON (or nil) once it succeeded or finally failed.
-- options.key: replace a waiting request with the same key.
function CadHttp:request(method, path, body, cb, options)
    options = options or {}
    local item = { method = method, path = path, body = body, cb = cb, attempts = 0, notBefore = 0,
                   key = options.key }
    if not self:configured() then
        self.stats.lastError = 'cad_url or cad_token is not set'
        if cb then cb(0, { error = 'The CAD connection is not configured (set cad_url and cad_token).' }) end
        return false
    end
    if item.key then
        for i, waiting in ipairs(self.queue) do
            if waiting.key == item.key then
                self.queue[i] = item
                self:pump()
                return true
            end
        end
    end
    if #self.queue >= (self.settings.MaxQueue or 200) then
        self.stats.refused = self.stats.refused + 1
        self.log('warn', ('queue full (%d requests waiting): %s %s refused'):format(#self.queue, method, path))
        if cb then cb(0, { error = 'The CAD is not answering fast enough; try again in a moment.' }) end
        return false
    end
    self.queue[#self.queue + 1] = item
    self:pump()
    return true
end

function CadHttp:get(path, cb, options) return self:request('GET', path, nil, cb, options) end
function CadHttp:post(path, body, cb, options) return self:request('POST', path, body, cb, options) end

-- Send what may be sent now; called after every request and response and by the resource's tick.
function CadHttp:pump()
    local now = self.now()
    if now < self.pausedUntil then return end
    local i = 1
    while i <= #self.queue and self.inFlight < (self.settings.MaxInFlight or 4) do
        local item = self.queue[i]
        if item.notBefore <= now then
            table.remove(self.queue, i)
            self:send(item)
            if self.now() < self.pausedUntil then return end
        else
            i = i + 1
        end
    end
end

function CadHttp:send(item)
    self.inFlight = self.inFlight + 1
    self.stats.sent = self.stats.sent + 1
    local headers = { ['Authorization'] = 'Bearer ' .. self.token, ['Accept'] = 'application/json' }
    local payload = ''
    if item.body ~= nil then
        headers['Content-Type'] = 'application/json'
        payload = self.encode(item.body)
    end
    self.perform(self.url .. item.path, function(status, body, responseHeaders, errorData)
        self.inFlight = self.inFlight - 1
        self:handle(item, tonumber(status) or 0, body, responseHeaders, errorData)
        self:pump()
    end, item.method, payload, headers)
end

local function header(headers, name)
    if type(headers) ~= 'table' then return nil end
    for k, v in pairs(headers) do
        if type(k) == 'string' and k:lower() == name then return v end
    end
    return nil
end

function CadHttp:parse(text)
    if type(text) ~= 'string' or text == '' then return nil end
    local start = text:find('[%[{]')  -- some runtimes prefix the error body with "HTTP 429: "
    if not start then return nil end
    local ok, data = pcall(self.decode, text:sub(start))
    if ok and type(data) == 'table' then return data end
    return nil
end

function CadHttp:retry(item, delay)
    item.attempts = item.attempts + 1
    item.notBefore = self.now() + delay
    self.stats.retried = self.stats.retried + 1
    table.insert(self.queue, 1, item)
end

function CadHttp:finish(item, status, data)
    if item.cb then
        local ok, err = pcall(item.cb, status, data)
        if not ok then self.log('error', ('%s %s handler failed: %s'):format(item.method, item.path, tostring(err))) end
    end
end

function CadHttp:handle(item, status, body, responseHeaders, errorData)
    local data = self:parse(body) or self:parse(errorData)
    self.stats.lastStatus = status
    if status >= 200 and status < 300 then
        self.stats.ok = self.stats.ok + 1
        self.stats.lastOkAt = self.now()
        self.stats.authFailed = false
        self.rateLimitStreak = 0
        return self:finish(item, status, data)
    end
    local message = (data and data.error) or (status == 0 and 'no answer (connection failed)') or ('HTTP ' .. status)
    self.stats.lastError = ('%s %s: %s'):format(item.method, item.path, message)

    if status == 429 then
        self.stats.rateLimited = self.stats.rateLimited + 1
        local seconds = data and tonumber(data.retry_after) or tonumber(header(responseHeaders, 'retry-after'))
        local wait
        if seconds then
            wait = math.floor(seconds * 1000 + 0.5)
        else
            wait = (self.settings.RateLimitWaitMs or 10000) * (2 ^ math.min(self.rateLimitStreak, 4))
        end
        self.rateLimitStreak = self.rateLimitStreak + 1
        self.pausedUntil = self.now() + wait
        self.log('warn', ('the CAD is rate limiting this server (429): waiting %.1f s before sending again'):format(wait / 1000))
        return self:retry(item, wait)
    end
    if status == 401 then
        self.stats.authFailed = true
        local now = self.now()
        if not self.lastAuthLog or now - self.lastAuthLog >= (self.settings.AuthLogEveryMs or 60000) then
            self.lastAuthLog = now
            self.log('error', 'The CAD refused the API token (401). Check `set cad_token "..."` in server.cfg ' ..
                'against Community Settings > API tokens, then restart the resource.')
        end
        self.stats.failed = self.stats.failed + 1
        return self:finish(item, status, data)
    end
    if (status == 0 or status >= 500) and item.attempts + 1 < (self.settings.MaxAttempts or 5) then
        local delay = math.min((self.settings.BackoffMs or 1000) * (2 ^ item.attempts), self.settings.MaxBackoffMs or 60000)
        return self:retry(item, math.floor(delay))
    end
    self.stats.failed = self.stats.failed + 1
    return self:finish(item, status, data)
end

function CadHttp:pending()
    return #self.queue + self.inFlight
end
