import * as Mocha from "mocha";

/**
 * The spec reporter plus one plain closing line, `mocha: N passed, N failed, N skipped`, that
 * CI systems read without knowing mocha's own summary format.
 */
class SummaryReporter extends Mocha.reporters.Spec {
    constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
        super(runner, options);
        runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
            const s = runner.stats;
            if (s !== undefined) {
                // After the spec reporter's own epilogue, which also listens for the end of the run.
                process.nextTick(() => console.log(`mocha: ${s.passes} passed, ${s.failures} failed, ${s.pending} skipped`));
            }
        });
    }
}

export = SummaryReporter;
