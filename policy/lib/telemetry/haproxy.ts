/**
 * Reads HAProxy configuration text (wherever the pack finds configuration: SSM parameters, ConfigMaps,
 * container environment ...) far enough to say which addresses and ports each `bind` listens on and
 * whether it terminates TLS and requires a verified client certificate.
 *
 * Parsing follows HAProxy 2.6 (Debian 12's haproxy 2.6.12, what the project's tests run):
 * - a `#` outside quotes starts a comment; words are split on blanks, '...' and "..." quote
 *   (https://docs.haproxy.org/2.6/configuration.html#2.2, "Quoting and escaping");
 * - there is NO line continuation: `haproxy -c` 2.6.12 rejects a bind ending in `\` with
 *   "'bind [::]:4318' in section 'frontend': unknown keyword '\'" and parses the next line as a
 *   new keyword, so a bind is only what is on its own line (test/policy/lib/telemetry/haproxy.test.ts
 *   checks this against the real binary when it is installed);
 * - only `frontend` and `listen` sections accept client traffic (`bind` in `peers` is peer sync);
 *   a `disabled` proxy listens on nothing;
 * - addresses: `[host]:port`, `host:port` split on the LAST colon (so `:::4318` is `::` port 4318
 *   and `::1:4318` is ::1), an empty host or `*` means every address, `ipv4@`/`ipv6@`/`tcp@`
 *   prefixes, port ranges `a-b`, several addresses separated by commas; `unix@`, `abns@`, `fd@`,
 *   `sockpair@` and paths are not network listeners
 *   (https://docs.haproxy.org/2.6/configuration.html#4.2-bind);
 * - client certificates: `verify required` aborts the handshake without a certificate; `optional`
 *   and `none` (the default) admit clients without one; the certificate is verified against
 *   `ca-file` (or `ca-verify-file`), without which `haproxy -c` refuses `verify required`
 *   ("verify is enabled but no CA file specified"); `ca-ignore-err` / `crt-ignore-err` admit
 *   certificates that fail verification (https://docs.haproxy.org/2.6/configuration.html#5.1).
 */

export interface HaproxyAddress {
    host: string;
    /** Inclusive port range. */
    from: number;
    to: number;
}

export interface HaproxyBind {
    /** `frontend <name>` / `listen <name>`. */
    section: string;
    /** 1-based line number in the text. */
    line: number;
    text: string;
    addresses: HaproxyAddress[];
    ssl: boolean;
    crt: boolean;
    caFile: boolean;
    verify?: string;
    ignoreErr: string[];
    /** `ssl-min-ver` on the bind, or from global `ssl-default-bind-options`. */
    minVersion?: string;
    maxVersion?: string;
    /** `force-tlsv1x` on the bind or in the global defaults. */
    forceVersion?: string;
}

export interface HaproxyConfig {
    binds: HaproxyBind[];
}

/** Splits one line into words as HAProxy does: quotes group, `#` outside quotes ends the line, `\` escapes. */
export function haproxyWords(line: string): string[] {
    const words: string[] = [];
    let cur = "";
    let inWord = false;
    let quote: string | undefined;
    for (let i = 0; i < line.length; i++) {
        const c = line[i];
        if (quote !== undefined) {
            if (c === quote) {
                quote = undefined;
            } else if (c === "\\" && quote === "\"" && i + 1 < line.length) {
                cur += line[++i];
            } else {
                cur += c;
            }
            continue;
        }
        if (c === "#") {
            break;
        }
        if (c === "\\" && i + 1 < line.length) {
            cur += line[++i];
            inWord = true;
        } else if (c === "'" || c === "\"") {
            quote = c;
            inWord = true;
        } else if (c === " " || c === "\t") {
            if (inWord) {
                words.push(cur);
                cur = "";
                inWord = false;
            }
        } else {
            cur += c;
            inWord = true;
        }
    }
    if (inWord) {
        words.push(cur);
    }
    return words;
}

const SECTION_KEYWORDS = new Set(["global", "defaults", "frontend", "backend", "listen", "peers", "resolvers", "userlist", "mailers",
    "program", "http-errors", "ring", "cache", "fcgi-app", "log-forward", "crt-store", "traces"]);

/** Bind options that take an argument (so the argument is not read as an option). */
const BIND_OPTIONS_WITH_ARG = new Set(["accept-netscaler-cip", "alpn", "backlog", "ca-file", "ca-ignore-err", "ca-sign-file", "ca-sign-pass",
    "ca-verify-file", "ciphers", "ciphersuites", "crl-file", "crt", "crt-ignore-err", "crt-list", "curves", "ecdhe", "gid", "group", "id",
    "interface", "level", "severity-output", "maxconn", "mode", "mss", "name", "namespace", "nice", "npn", "process", "proto",
    "shards", "sigalgs", "client-sigalgs", "ssl-max-ver", "ssl-min-ver", "tcp-ut", "thread", "tls-ticket-keys", "uid", "user",
    "quic-cc-algo", "quic-socket", "nbconn", "idle-ping", "ktls", "ocsp-update", "guid-prefix", "label", "default-crt", "verify"]);

/** Parses one `bind` address word (possibly comma-separated). */
export function parseBindAddresses(word: string): HaproxyAddress[] {
    const out: HaproxyAddress[] = [];
    for (const raw of word.split(",")) {
        let a = raw.trim();
        const family = /^([a-z0-9]+)@/i.exec(a);
        if (family) {
            if (!/^(ipv4|ipv6|tcp|tcp4|tcp6|udp|udp4|udp6|quic4|quic6)$/i.test(family[1])) {
                continue; // unix@, abns@, fd@, sockpair@, rhttp@: not a network port
            }
            a = a.slice(family[0].length);
        }
        if (a.startsWith("/")) {
            continue; // UNIX socket path
        }
        let host: string;
        let port: string;
        const bracket = /^\[([^\]]*)\]:(.*)$/.exec(a);
        if (bracket) {
            host = bracket[1];
            port = bracket[2];
        } else {
            const i = a.lastIndexOf(":");
            if (i < 0) {
                continue;
            }
            host = a.slice(0, i);
            port = a.slice(i + 1);
        }
        const range = /^(\d+)(?:-(\d+))?$/.exec(port);
        if (!range) {
            continue;
        }
        out.push({ host: host === "*" ? "" : host, from: Number(range[1]), to: Number(range[2] ?? range[1]) });
    }
    return out;
}

/** Does this text look like an HAProxy configuration (a proxy section with a bind)? */
export function looksLikeHaproxy(text: string): boolean {
    return /^\s*(frontend|listen)\s+\S+/m.test(text) && /^\s*bind\s+\S+/m.test(text);
}

export function parseHaproxyConfig(text: string): HaproxyConfig {
    const binds: HaproxyBind[] = [];
    let section = "";
    let sectionBinds: HaproxyBind[] = [];
    let disabled = false;
    const defaults: { min?: string; max?: string; force?: string } = {};
    const flush = () => {
        if (!disabled) {
            binds.push(...sectionBinds);
        }
        sectionBinds = [];
        disabled = false;
    };
    text.split(/\r?\n/).forEach((line, idx) => {
        const words = haproxyWords(line);
        if (words.length === 0) {
            return;
        }
        const kw = words[0].toLowerCase();
        if (SECTION_KEYWORDS.has(kw)) {
            flush();
            section = `${kw}${words[1] !== undefined ? ` ${words[1]}` : ""}`;
            return;
        }
        if (section === "global" && kw === "ssl-default-bind-options") {
            for (let i = 1; i < words.length; i++) {
                if (words[i] === "ssl-min-ver") defaults.min = words[++i];
                else if (words[i] === "ssl-max-ver") defaults.max = words[++i];
                else if (/^force-(sslv3|tlsv1\d)$/i.test(words[i])) defaults.force = words[i].slice(6);
            }
            return;
        }
        if (kw === "disabled" && /^(frontend|listen)/.test(section)) {
            disabled = true;
            return;
        }
        if (kw !== "bind" || !/^(frontend|listen)/.test(section) || words.length < 2) {
            return;
        }
        const b: HaproxyBind = {
            section, line: idx + 1, text: line.trim(), addresses: parseBindAddresses(words[1]),
            ssl: false, crt: false, caFile: false, ignoreErr: [],
        };
        for (let i = 2; i < words.length; i++) {
            const w = words[i];
            const arg = BIND_OPTIONS_WITH_ARG.has(w) ? words[++i] : undefined;
            switch (w) {
                case "ssl": b.ssl = true; break;
                case "crt": case "crt-list": case "default-crt": b.crt = b.crt || arg !== undefined; break;
                case "ca-file": case "ca-verify-file": b.caFile = b.caFile || arg !== undefined; break;
                case "verify": b.verify = arg?.toLowerCase(); break;
                case "ca-ignore-err": case "crt-ignore-err": if (arg !== undefined) b.ignoreErr.push(`${w} ${arg}`); break;
                case "ssl-min-ver": b.minVersion = arg; break;
                case "ssl-max-ver": b.maxVersion = arg; break;
                default:
                    if (/^force-(sslv3|tlsv1\d)$/i.test(w)) b.forceVersion = w.slice(6);
            }
        }
        sectionBinds.push(b);
    });
    flush();
    for (const b of binds) {
        b.minVersion ??= defaults.min;
        b.maxVersion ??= defaults.max;
        b.forceVersion ??= defaults.force;
    }
    return { binds };
}

/** Why a bind does not require a verified client certificate, or undefined when it does. */
export function bindClientCertGap(b: HaproxyBind): string | undefined {
    if (!b.ssl || !b.crt) {
        return "does not terminate TLS (no `ssl` with `crt`)";
    }
    if (b.verify !== "required") {
        return `does not require a client certificate (verify ${b.verify ?? "none (the default)"})`;
    }
    if (!b.caFile) {
        return "has no `ca-file` to verify client certificates against (haproxy refuses to start)";
    }
    if (b.ignoreErr.length > 0) {
        return `admits certificates that fail verification (${b.ignoreErr.join(", ")})`;
    }
    return undefined;
}

const TLS_ORDER = ["SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"];

/** Why an `ssl` bind may negotiate a version below TLS 1.2 (judged on what is written), or undefined. */
export function bindMinVersionGap(b: HaproxyBind): string | undefined {
    const rank = (v: string | undefined) => (v === undefined ? -1 : TLS_ORDER.findIndex((x) => x.toLowerCase() === v.toLowerCase().replace(/^tlsv1(\d)$/, "tlsv1.$1")));
    if (b.forceVersion !== undefined) {
        return rank(b.forceVersion) >= 3 ? undefined : `forces ${b.forceVersion}`;
    }
    if (b.maxVersion !== undefined && rank(b.maxVersion) >= 0 && rank(b.maxVersion) < 3) {
        return `caps the version at ${b.maxVersion}`;
    }
    if (b.minVersion === undefined) {
        return "sets no ssl-min-ver (on the bind or in global ssl-default-bind-options)";
    }
    return rank(b.minVersion) >= 3 ? undefined : `sets ssl-min-ver ${b.minVersion}`;
}
