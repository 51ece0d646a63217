/**
 * Required for its effect, first, by a thread that loads the policy pack (policy/offline/parallel.ts ThreadPool's
 * `setup`): the SDK modules an offline evaluation never calls load only if used (deferredModules.ts), as in the
 * command's own thread (automation/cli/main.ts).
 */
import { deferSdkModules } from "./deferredModules";

deferSdkModules();
