/**
 * Sends `msg` to the parent and resolves once the channel has written all of it.
 *
 * `process.send` writes what the IPC socket takes at once and queues the rest for the event loop. A worker that
 * then runs synchronous work (the hub's policy evaluation: a second and more at 2,000 tenants) keeps the rest of
 * the message from its parent until that work ends. The hub's outputs at 2,000 + 50 are 371 KB, more than the
 * socket takes at once, so every spoke waited for the hub's evaluation as well as for its outputs. Resolved on a
 * failed send too: a channel that is gone ends the worker by its own path (its `disconnect`).
 */
export function sendFlushed(proc: Pick<NodeJS.Process, "send">, msg: unknown): Promise<void> {
    return new Promise((resolve) => {
        if (proc.send === undefined) {
            resolve();
            return;
        }
        proc.send(msg, undefined, undefined, () => resolve());
    });
}
