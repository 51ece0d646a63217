import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { sendFlushed } from "../../../automation/plan/sendFlushed";

const ROOT = path.resolve(__dirname, "../../..");

/**
 * A child sends a 16 MiB message (more than a Unix socket's send buffer: net.core.wmem_max is 4 MiB by default),
 * then holds its event loop in synchronous work until the parent, on receiving the whole message, creates a marker
 * file; it gives up (exit 3) after `giveUpMs`. The exit code says whether the message got out while the child
 * was busy.
 */
function sendThenHold(mode: "flushed" | "plain", giveUpMs: number): Promise<number | null> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "send-flushed-"));
    const marker = path.join(dir, "received");
    const script = [
        "require('ts-node/register/transpile-only');",
        "const fs = require('fs');",
        "const { sendFlushed } = require('./automation/plan/sendFlushed');",
        "const [mode, marker, giveUpMs] = process.argv.slice(1);",
        "(async () => {",
        "    const msg = { blob: 'x'.repeat(16 << 20) };",
        "    if (mode === 'flushed') { await sendFlushed(process, msg); } else { process.send(msg); }",
        "    const stopAt = Date.now() + Number(giveUpMs);",
        "    while (!fs.existsSync(marker)) { if (Date.now() > stopAt) { process.exit(3); } }",
        "    process.exit(0);",
        "})();",
    ].join("\n");
    const child = spawn(process.execPath, ["-e", script, mode, marker, String(giveUpMs)], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    child.on("message", (m: { blob?: string }) => {
        if (m.blob?.length === 16 << 20) {
            fs.writeFileSync(marker, "");
        }
    });
    return new Promise((resolve, reject) => {
        child.on("error", reject);
        child.on("exit", (code) => {
            fs.rmSync(dir, { recursive: true, force: true });
            resolve(code);
        });
    });
}

describe("sendFlushed (a worker's message wholly sent before synchronous work)", function () {
    this.timeout(120_000);

    it("a message larger than the socket takes at once reaches the parent while the sender is busy, once sendFlushed has resolved", async () => {
        assert.strictEqual(await sendThenHold("flushed", 60_000), 0);
    });

    it("without it, the rest of the message waits for the sender's event loop (the control: the busy child gives up first)", async () => {
        assert.strictEqual(await sendThenHold("plain", 3_000), 3);
    });

    it("resolves without a channel (a plan run in one process)", async () => {
        await sendFlushed({ send: undefined }, { type: "outputs" });
    });
});

