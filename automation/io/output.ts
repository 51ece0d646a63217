import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { ConfigError } from "../../stacks/config/common";

/**
 * Every file the command-line tools write goes through here: the target is checked before any
 * work (a plan of a large fleet must not fail on its last step), written to a temporary file in
 * the same directory and renamed over the target (readers never see half a file, and a rename
 * within one directory is atomic on POSIX file systems), and a temporary file is removed on any
 * exit: error, process.exit, Ctrl-C or SIGTERM. `-` means standard output. Bad targets are
 * ConfigErrors, which every CLI reports in one line with exit code 2.
 */

const pending = new Set<string>();
let hooked = false;

function removePending(): void {
    for (const f of pending) {
        try {
            fs.rmSync(f, { force: true });
        } catch {
            // best effort on the way out
        }
    }
    pending.clear();
}

function hookExit(): void {
    if (hooked) {
        return;
    }
    hooked = true;
    process.on("exit", removePending);
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
        // A command with its own handler (the driver's graceful Ctrl-C) exits through process.exit,
        // which runs the exit hook; otherwise the default action would kill us without it.
        if (process.listenerCount(signal) === 0) {
            process.once(signal, () => {
                removePending();
                process.exit(signal === "SIGINT" ? 130 : 143);
            });
        }
    }
}

/**
 * What happens when the reader of standard output goes away (`... --json - | head -1`): Node ignores
 * SIGPIPE, so the next write fails with EPIPE. A reader that stopped reading wanted no more; the
 * command ends quietly with exit 0 ("exit", the default: offline commands, which change nothing), or
 * drops further standard output and carries on ("drop": a rollout must not fail or abandon its stacks
 * because a pager was closed; its exit code stays the rollout's).
 */
export type ClosedStdoutPolicy = "exit" | "drop";
let closedPolicy: ClosedStdoutPolicy = "exit";
let stdoutGone = false;
let stdoutGuarded = false;

/** The reader of standard output is gone (EPIPE): quietly exit, or from now on drop what goes there. */
export function stdoutClosed(): void {
    stdoutGone = true;
    if (closedPolicy === "exit") {
        process.exit(0);
    }
}

/** true after the reader of standard output went away. */
export function isStdoutClosed(): boolean {
    return stdoutGone;
}

/**
 * Makes an EPIPE on standard output (also from console.log, whose stream reports it as an error
 * event) follow `policy` instead of crashing with an unhandled 'error' event.
 */
export function guardStdout(policy: ClosedStdoutPolicy = "exit", stream: NodeJS.WriteStream = process.stdout): void {
    closedPolicy = policy;
    if (stdoutGuarded) {
        return;
    }
    stdoutGuarded = true;
    stream.on("error", (e: NodeJS.ErrnoException) => {
        if (e.code === "EPIPE") {
            stdoutClosed();
            return;
        }
        throw e;
    });
}

/** One line on standard output, unless its reader went away (an EPIPE arrives as the stream's error event: guardStdout). */
export function stdoutLine(line: string): void {
    if (!stdoutGone) {
        process.stdout.write(`${line}\n`);
    }
}

export type OutputTarget = { readonly kind: "stdout" } | { readonly kind: "file"; readonly path: string };

function reason(e: unknown): string {
    const code = (e as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? "does not exist" : code === "EACCES" || code === "EPERM" ? "is not writable" : code ?? (e as Error).message;
}

/**
 * Checks an output path before any work: `-` is standard output; otherwise the folder must
 * exist and be writable, and an existing target must be a regular file (never a directory,
 * device node, FIFO or socket: renaming over /dev/stdout would replace the device).
 */
export function checkOutputTarget(target: string, flag: string): OutputTarget {
    if (target === "-") {
        return { kind: "stdout" };
    }
    if (target === "" || target.endsWith("/") || target.endsWith(path.sep)) {
        throw new ConfigError(`${flag} ${target || '""'}: expected a file name; fix: name a file, e.g. ${flag} out/plan.json, or - for standard output`);
    }
    const full = path.resolve(target);
    const dir = path.dirname(full);
    let dirStat: fs.Stats;
    try {
        dirStat = fs.statSync(dir);
    } catch (e) {
        throw new ConfigError(`${flag} ${target}: folder ${dir} ${reason(e)}; fix: create it (mkdir -p ${dir}) or choose another path`);
    }
    if (!dirStat.isDirectory()) {
        throw new ConfigError(`${flag} ${target}: ${dir} is not a folder; fix: choose a path inside a folder`);
    }
    try {
        fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
    } catch (e) {
        throw new ConfigError(`${flag} ${target}: folder ${dir} ${reason(e)}; fix: choose a writable folder`);
    }
    let st: fs.Stats | undefined;
    try {
        st = fs.statSync(full);
    } catch {
        st = undefined;
    }
    if (st !== undefined && !st.isFile()) {
        const what = st.isDirectory() ? "a folder" : st.isCharacterDevice() || st.isBlockDevice() ? "a device" : st.isFIFO() ? "a pipe" : "not a regular file";
        throw new ConfigError(`${flag} ${target}: is ${what}; fix: name a regular file${st.isDirectory() ? ` inside it, e.g. ${path.join(target, "out.json")}` : ""}, or - for standard output`);
    }
    if (st !== undefined) {
        try {
            fs.accessSync(full, fs.constants.W_OK);
        } catch (e) {
            throw new ConfigError(`${flag} ${target}: ${reason(e)}; fix: choose another path or make it writable`);
        }
    }
    return { kind: "file", path: full };
}

/** A file being written: `commit` renames it over the target, `abort` (or any exit) removes it. */
export class AtomicWriter {
    private fd: number | undefined;
    private readonly tmp: string | undefined;

    constructor(readonly target: OutputTarget, mode?: number) {
        if (target.kind === "stdout") {
            return;
        }
        hookExit();
        const keepMode = mode ?? existingMode(target.path) ?? 0o644;
        this.tmp = path.join(path.dirname(target.path), `.${path.basename(target.path)}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`);
        pending.add(this.tmp);
        this.fd = fs.openSync(this.tmp, "wx", keepMode);
    }

    write(text: string | Uint8Array): void {
        const fd = this.target.kind === "stdout" ? 1 : this.fd;
        if (fd === undefined) {
            return;
        }
        writeAll(fd, typeof text === "string" ? Buffer.from(text) : text);
    }

    commit(): void {
        if (this.fd === undefined || this.tmp === undefined || this.target.kind !== "file") {
            return;
        }
        fs.fsyncSync(this.fd);
        fs.closeSync(this.fd);
        this.fd = undefined;
        fs.renameSync(this.tmp, this.target.path);
        pending.delete(this.tmp);
    }

    abort(): void {
        if (this.fd !== undefined) {
            fs.closeSync(this.fd);
            this.fd = undefined;
        }
        if (this.tmp !== undefined) {
            fs.rmSync(this.tmp, { force: true });
            pending.delete(this.tmp);
        }
    }
}

/**
 * Writes every byte. Standard output may be a non-blocking pipe (Node makes pipes non-blocking), where
 * writeSync writes part of a large buffer or fails with EAGAIN while the reader is behind; a plan JSON of
 * megabytes piped to another program hit that. Waits a little and carries on, never dropping bytes.
 */
export function writeAll(fd: number, data: Uint8Array): void {
    const pause = new Int32Array(new SharedArrayBuffer(4));
    let offset = 0;
    while (offset < data.length) {
        if (fd === 1 && stdoutGone) {
            return;
        }
        try {
            offset += fs.writeSync(fd, data, offset, data.length - offset);
        } catch (e) {
            const code = (e as NodeJS.ErrnoException).code;
            if (fd === 1 && code === "EPIPE") {
                stdoutClosed();
                return;
            }
            if (code !== "EAGAIN") {
                throw e;
            }
            Atomics.wait(pause, 0, 0, 5);
        }
    }
}

function existingMode(file: string): number | undefined {
    try {
        return fs.statSync(file).mode & 0o777;
    } catch {
        return undefined;
    }
}

/** Checks the target and writes `text` atomically (or to standard output for `-`). */
export function writeOutput(target: string | OutputTarget, text: string | Uint8Array, flag = "output", mode?: number): void {
    const t = typeof target === "string" ? checkOutputTarget(target, flag) : target;
    const w = new AtomicWriter(t, mode);
    try {
        w.write(text);
        w.commit();
    } catch (e) {
        w.abort();
        throw new ConfigError(`${flag}: cannot write ${t.kind === "file" ? t.path : "standard output"} (${reason(e)}); nothing was written`);
    }
}

/**
 * A folder the tool keeps state in (journal, lock, logs): it may not exist yet (it is created on
 * first write), but it must be, or be creatable as, a writable folder, checked before any stack
 * is touched. Nothing is created here.
 */
export function checkStateDir(dir: string, flag = "--state-dir"): string {
    const full = path.resolve(dir);
    let existing = full;
    while (!fs.existsSync(existing)) {
        existing = path.dirname(existing);
    }
    if (!fs.statSync(existing).isDirectory()) {
        throw new ConfigError(`${flag} ${dir}: ${existing === full ? "is" : `${existing} is`} not a folder; fix: remove that file or choose another ${flag}`);
    }
    try {
        fs.accessSync(existing, fs.constants.W_OK | fs.constants.X_OK);
    } catch (e) {
        throw new ConfigError(`${flag} ${dir}: ${existing === full ? "" : `${existing} `}${reason(e)}; fix: choose a writable ${flag}`);
    }
    return full;
}

/** Files the writer has not committed yet (for tests). */
export function pendingTemporaryFiles(): string[] {
    return [...pending];
}
