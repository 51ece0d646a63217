import * as fs from "fs";
import * as path from "path";
import type { StackLog } from "../types";

export interface OpenStackLog extends StackLog {
    readonly file: string;
    close(): Promise<void>;
}

/** Opens `.fleet/logs/<stack>.log` for appending; one section per operation attempt. */
export function openStackLog(dir: string, stack: string, header: string, now: () => Date = () => new Date()): OpenStackLog {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${stack}.log`);
    const stream = fs.createWriteStream(file, { flags: "a" });
    let closed = false;
    const write = (text: string) => {
        if (!closed) {
            stream.write(text);
        }
    };
    write(`\n=== ${now().toISOString()} ${header} ===\n`);
    return {
        file,
        line: (text) => write(`[${now().toISOString()}] ${text}\n`),
        chunk: (text) => write(text),
        close: () =>
            new Promise<void>((resolve) => {
                if (closed) {
                    resolve();
                    return;
                }
                closed = true;
                stream.end(() => resolve());
            }),
    };
}

/** A log that keeps nothing: for engines driven by the benchmark. */
export const NULL_LOG: OpenStackLog = { file: "", line: () => undefined, chunk: () => undefined, close: async () => undefined };
