/**
 * What the tenant proxy learns from every verified connection and the hub could not know otherwise:
 * the notAfter of the client certificate each tenant's senders actually present. A spoke that copied
 * its certificate and was then left alone holds an older one than the hub last issued; this makes it
 * visible (issue 31, goal 1).
 *
 * Mechanism: HAProxy's own Lua (HAProxy 2.6 is built with USE_LUA=1: Debian's 2.6.12 `haproxy -vv`
 * "Built with Lua version : Lua 5.3.6", and docker-library/haproxy 2.6/Dockerfile builds with
 * `USE_LUA=1` against Debian's liblua5.3). No sidecar: the proxy is the only process that sees
 * the certificate, and a log-parsing sidecar would need a log pipeline and its own state.
 * - the identity rules store `ssl_c_serial,hex` and `ssl_c_notafter` in transaction variables
 *   (2.6 configuration manual 7.3.4) after the tenant was mapped, and call the action below
 *   (`core.register_action`, https://www.arpalert.org/src/haproxy-lua-api/2.6/index.html#core.register_action);
 * - the action keeps one entry per (account, site, serial) with the time it was last seen;
 * - a loopback-only frontend serves the table as Prometheus text through `core.register_service`
 *   (same API document, #core.register_service); the hub collector scrapes it (TENANT_PROXY_JOB).
 * The script is loaded with `lua-load`, the state shared by all threads (2.6 manual 3.1 `lua-load`:
 * "visible to all threads"), so every thread records into one table.
 */

import { CERT_SEEN_LABELS, CERT_SEEN_METRIC } from "../telemetry/certSeenMetrics";

/** Names the Lua script registers (the config calls `lua.<action>` and `use-service lua.<service>`). */
export const CERT_SEEN_LUA_NAMES = { action: "oss_cert_seen", service: "oss_cert_seen_metrics" } as const;

export interface CertSeenOptions {
    /** An entry not seen for this long is dropped, so a rotated-away certificate stops counting. Default 7200 (2 h). */
    readonly ttlSeconds?: number;
    /** Most entries kept (tenants × certificates seen within ttlSeconds); when full the least recently seen goes. Default 10000. */
    readonly maxEntries?: number;
}

export const CERT_SEEN_DEFAULTS = {
    ttlSeconds: 7200,
    maxEntries: 10_000,
    /** Loopback port of the proxy's metrics frontend inside the task. */
    port: 14990,
} as const;

function positiveInt(field: string, v: number, max: number): number {
    if (!Number.isInteger(v) || v < 1 || v > max) {
        throw new Error(`renderCertSeenLua: ${field}: expected an integer from 1 to ${max} (got ${v})`);
    }
    return v;
}

/**
 * The script after its settings (TTL_SECONDS, MAX_ENTRIES, METRIC); see renderCertSeenLua. Kept
 * terse (two-space indent, comments here): the whole file must stay a standard SSM parameter (4 KB).
 * - `seen`: "account\0site\0serial" → entry {a(ccount), s(ite), n(serial), t(notAfter), last, q};
 *   `q` orders presentations for eviction (core.now() ties within a second);
 * - days_from_civil: H. Hinnant's algorithm, proleptic Gregorian, so no `os.time` (local time);
 * - `asn1`: "YYMMDDhhmmssZ" (20YY, HAProxy's form) or "YYYYMMDDhhmmssZ" → Unix seconds, nil otherwise;
 * - `record`: the action; counts requests whose variables are missing or whose time it cannot read;
 * - `oss_cert_seen`: the parser, global for the tests, which load this file beside their own service.
 */
const CERT_SEEN_LUA_BODY = `local seen, size, q, evicted, unparsed = {}, 0, 0, 0, 0

local function days_from_civil(y, m, d)
  if m <= 2 then y = y - 1 end
  local era = (y >= 0 and y or y - 399) // 400
  local yoe = y - era * 400
  local doy = (153 * ((m + 9) % 12) + 2) // 5 + d - 1
  return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468
end

local function asn1(s)
  if type(s) ~= "string" then return nil end
  local y, mo, d, h, mi, se = s:match("^(%d%d%d%d)(%d%d)(%d%d)(%d%d)(%d%d)(%d%d)Z$")
  if y == nil then
    y, mo, d, h, mi, se = s:match("^(%d%d)(%d%d)(%d%d)(%d%d)(%d%d)(%d%d)Z$")
    if y == nil then return nil end
    y = 2000 + tonumber(y)
  else
    y = tonumber(y)
  end
  mo, d, h, mi, se = tonumber(mo), tonumber(d), tonumber(h), tonumber(mi), tonumber(se)
  if mo < 1 or mo > 12 or d < 1 or d > 31 or h > 23 or mi > 59 or se > 60 then return nil end
  return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se
end

local function expire(now)
  for k, e in pairs(seen) do
    if now - e.last >= TTL_SECONDS then seen[k] = nil; size = size - 1 end
  end
end

local function make_room(now)
  expire(now)
  while size >= MAX_ENTRIES do
    local old, at = nil, math.huge
    for k, e in pairs(seen) do
      if e.q < at then old, at = k, e.q end
    end
    seen[old] = nil; size = size - 1; evicted = evicted + 1
  end
end

local function record(txn)
  local a, n = txn:get_var("txn.tenant_account"), txn:get_var("txn.cert_serial")
  local t = asn1(txn:get_var("txn.cert_not_after"))
  if a == nil or n == nil or t == nil then unparsed = unparsed + 1; return end
  local s = txn:get_var("txn.tenant_site") or ""
  local key = a .. "\\0" .. s .. "\\0" .. n
  local now = core.now().sec
  local e = seen[key]
  if e == nil then
    if size >= MAX_ENTRIES then make_room(now) end
    e = { a = a, s = s, n = n, t = t }
    seen[key] = e; size = size + 1
  end
  q = q + 1
  e.last, e.q = now, q
end

local function label(v)
  return (v:gsub("\\\\", "\\\\\\\\"):gsub("\\n", "\\\\n"):gsub('"', '\\\\"'))
end

local function exposition()
  expire(core.now().sec)
  local keys = {}
  for k in pairs(seen) do keys[#keys + 1] = k end
  table.sort(keys)
  local out = { "# HELP " .. METRIC .. " notAfter of a tenant certificate presented in the last " .. TTL_SECONDS .. " s.", "# TYPE " .. METRIC .. " gauge" }
  for _, k in ipairs(keys) do
    local e = seen[k]
    local s = e.s ~= "" and (',${CERT_SEEN_LABELS.site}="' .. label(e.s) .. '"') or ""
    out[#out + 1] = string.format('%s{${CERT_SEEN_LABELS.account}="%s"%s,${CERT_SEEN_LABELS.serial}="%s"} %d', METRIC, label(e.a), s, label(e.n), e.t)
  end
  local function fam(name, kind, help, v)
    name = "oss_tenant_proxy_client_certificates_" .. name
    out[#out + 1] = "# HELP " .. name .. " " .. help
    out[#out + 1] = "# TYPE " .. name .. " " .. kind
    out[#out + 1] = name .. " " .. v
  end
  fam("tracked", "gauge", "Entries in the table (at most " .. MAX_ENTRIES .. ").", size)
  fam("evicted_total", "counter", "Entries dropped because the table was full.", evicted)
  fam("unparsed_total", "counter", "Verified requests whose certificate notAfter could not be read.", unparsed)
  return table.concat(out, "\\n") .. "\\n"
end

local function serve(applet)
  local body = exposition()
  applet:set_status(200)
  applet:add_header("content-type", "text/plain; version=0.0.4")
  applet:add_header("content-length", tostring(#body))
  applet:start_response()
  applet:send(body)
end

oss_cert_seen = { asn1_time_to_unix = asn1 }
core.register_action("${CERT_SEEN_LUA_NAMES.action}", { "http-req" }, record, 0)
core.register_service("${CERT_SEEN_LUA_NAMES.service}", "http", serve)
`;

/**
 * The Lua script (a proxy file like the maps: rendered here, delivered by SSM and the init container).
 *
 * Time format: HAProxy's `ssl_c_notafter` is "YYMMDDhhmmss[Z]" (2.6 manual 7.3.4). HAProxy copies a
 * UTCTime as is, refusing years 1950-1999, and a GeneralizedTime "20YY…" with its "20" cut off,
 * refusing other centuries (src/ssl_utils.c `ssl_sock_get_time`): so two digits are always 20YY here,
 * not RFC 5280's 19YY for YY ≥ 50. The full "YYYYMMDDhhmmssZ" form is parsed too, should a later
 * HAProxy pass GeneralizedTime through. Days from the civil date in UTC (no `os.time`, which is local time).
 */
export function renderCertSeenLua(o: CertSeenOptions = {}): string {
    const ttl = positiveInt("ttlSeconds", o.ttlSeconds ?? CERT_SEEN_DEFAULTS.ttlSeconds, 30 * 86400);
    const max = positiveInt("maxEntries", o.maxEntries ?? CERT_SEEN_DEFAULTS.maxEntries, 1_000_000);
    return [
        "-- Rendered by components/identity/certSeen.ts; edits are overwritten.",
        `local TTL_SECONDS = ${ttl}`,
        `local MAX_ENTRIES = ${max}`,
        `local METRIC = "${CERT_SEEN_METRIC}"`,
        "",
        CERT_SEEN_LUA_BODY,
    ].join("\n");
}
