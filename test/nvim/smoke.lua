-- Neovim headless smoke test of the stand-alone language server, through Neovim's built-in LSP client.
--   CACHE_ADVISOR_SERVER=dist/server.js CACHE_ADVISOR_DOCKERFILE=path/to/Dockerfile \
--     nvim --headless --clean -n -u NONE -c 'luafile test/nvim/smoke.lua'
-- Optional: CACHE_ADVISOR_NODE (node binary, default "node"), CACHE_ADVISOR_TIMEOUT_MS (default 30000),
-- CACHE_ADVISOR_FIX_LINE (1-based line: apply the first quick fix offered there and print the buffer).
-- Waits for the server's publishDiagnostics for the file, prints "diagnostics <count>", then one line per diagnostic: "diagnostic <line>:<col> <severity> <code> <message>", then
-- "action <title>" for the code actions at CACHE_ADVISOR_FIX_LINE and the fixed buffer between
-- "--- fixed ---" and "--- end ---". Exits 1 with a reason on stderr when something does not happen.
-- Works with Neovim 0.7 (Debian 12: vim.lsp.start_client) and 0.8+ (vim.lsp.start).

local function env(name, default)
  local v = os.getenv(name)
  if v == nil or v == '' then return default end
  return v
end
local function out(line) io.stdout:write(line .. '\n') end
local function fail(msg)
  io.stderr:write('nvim-smoke: ' .. msg .. '\n')
  vim.cmd('cquit 1')
end

local server = env('CACHE_ADVISOR_SERVER')
local file = env('CACHE_ADVISOR_DOCKERFILE')
if not server or not file then fail('set CACHE_ADVISOR_SERVER and CACHE_ADVISOR_DOCKERFILE') end
local node = env('CACHE_ADVISOR_NODE', 'node')
local timeout = tonumber(env('CACHE_ADVISOR_TIMEOUT_MS', '30000'))
local fix_line = tonumber(env('CACHE_ADVISOR_FIX_LINE', '0'))

vim.cmd('edit ' .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
vim.api.nvim_buf_set_option(buf, 'filetype', 'dockerfile')

local exited
local published = false
local config = {
  handlers = {
    -- the server publishes once per analysed version, an empty list included: wait for that event
    ['textDocument/publishDiagnostics'] = function(err, result, ctx, cfg)
      if result and result.uri == vim.uri_from_bufnr(buf) then published = true end
      return vim.lsp.handlers['textDocument/publishDiagnostics'](err, result, ctx, cfg)
    end,
  },
  name = 'cache-advisor',
  cmd = { node, server, '--stdio' },
  root_dir = vim.fn.fnamemodify(file, ':p:h'),
  -- answered to the server's workspace/configuration requests for the "cacheAdvisor" section
  settings = { cacheAdvisor = { buildContext = '' } },
  on_exit = function(code, signal) exited = string.format('server exited (code %s, signal %s)', code, signal) end,
}
local client_id
if vim.lsp.start then
  client_id = vim.lsp.start(config)
else
  client_id = vim.lsp.start_client(config)
  if client_id then vim.lsp.buf_attach_client(buf, client_id) end
end
if not client_id then fail('could not start ' .. node .. ' ' .. server) end

local function lsp_code(d)
  if d.code then return d.code end
  return d.user_data and d.user_data.lsp and d.user_data.lsp.code or '?'
end
local severities = { 'error', 'warning', 'information', 'hint' }

local got = vim.wait(timeout, function() return exited ~= nil or published end, 50)
if exited then fail(exited) end
if not got then fail('no textDocument/publishDiagnostics within ' .. timeout .. ' ms') end
local diagnostics = vim.diagnostic.get(buf)
out('diagnostics ' .. #diagnostics)
table.sort(diagnostics, function(a, b) return a.lnum < b.lnum or (a.lnum == b.lnum and a.col < b.col) end)
for _, d in ipairs(diagnostics) do
  out(string.format('diagnostic %d:%d %s %s %s', d.lnum + 1, d.col + 1, severities[d.severity] or '?', lsp_code(d),
    (d.message:gsub('\n', ' '))))
end

if fix_line > 0 then
  local client = vim.lsp.get_client_by_id(client_id)
  local line_diags = {}
  for _, d in ipairs(diagnostics) do
    if d.lnum == fix_line - 1 then
      -- back to an LSP diagnostic, as Neovim's own code_action() does (user_data.lsp keeps code and data)
      local lsp = vim.tbl_extend('keep', {
        range = { start = { line = d.lnum, character = d.col }, ['end'] = { line = d.end_lnum, character = d.end_col } },
        severity = d.severity, message = d.message, source = d.source,
      }, d.user_data and d.user_data.lsp or {})
      table.insert(line_diags, lsp)
    end
  end
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = { start = { line = fix_line - 1, character = 0 }, ['end'] = { line = fix_line - 1, character = 0 } },
    context = { diagnostics = line_diags },
  }
  local resp, err = client.request_sync('textDocument/codeAction', params, timeout, buf)
  if not resp then fail('codeAction request failed: ' .. tostring(err)) end
  if resp.err then fail('codeAction error: ' .. vim.inspect(resp.err)) end
  local actions = resp.result or {}
  for _, a in ipairs(actions) do out('action ' .. a.title) end
  if #actions == 0 then fail('no code actions on line ' .. fix_line) end
  if not actions[1].edit then fail('the first code action carries no edit') end
  vim.lsp.util.apply_workspace_edit(actions[1].edit, client.offset_encoding or 'utf-16')
  out('--- fixed ---')
  for _, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do out(l) end
  out('--- end ---')
end

vim.lsp.stop_client(client_id)
vim.wait(5000, function() return exited ~= nil end, 50)
vim.cmd('qall!')
