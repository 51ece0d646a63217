/**
 * Modules the Pulumi SDKs require when they load but an offline plan never calls. `@npmcli/arborist` is required at the
 * top of @pulumi/pulumi 3.248.0 runtime/closure/codePaths.js and used only to find the packages a serialized JavaScript
 * function needs (its Arborist class, for function serialization such as aws.lambda.CallbackFunction); loading it costs
 * a plan process about 790 modules and 20 MiB before any stack. `typescript` (one 8.9 MB file) is required by the SDK's
 * typescript-shim.js for the same function serialization (runtime/closure/parseFunction.js parses a function's source
 * with it); loading it was about 0.1 s of the 0.8 s of CPU a plan worker takes to start (five starts each way).
 * A deferred module is handed to its requirer as a stand-in that loads the real one the first time anything reads
 * from it, so code that does use it still works.
 */
import Module from "module";

type Load = (request: string, parent: { filename?: string } | undefined, isMain: boolean) => unknown;
const loader = Module as unknown as { _load: Load };

/** What the SDK defers: the module, and where its requirer lives (a path fragment; other requirers get it at once). */
export const DEFERRED_SDK_MODULES: readonly { readonly request: string; readonly requiredFrom: string }[] = [
    { request: "@npmcli/arborist", requiredFrom: "/@pulumi/pulumi/runtime/closure/" },
    { request: "typescript", requiredFrom: "/@pulumi/pulumi/typescript-shim.js" },
    // The same function serialization reads package.json files with these (codePaths.js).
    { request: "normalize-package-data", requiredFrom: "/@pulumi/pulumi/runtime/closure/" },
    { request: "fdir", requiredFrom: "/@pulumi/pulumi/runtime/closure/" },
    // gRPC: the clients to the engine and the resource monitor (settings.js, only when it connects: a plan's monitor
    // is set with setMockOptions), the callback server (callbacks.js), and status codes read when an RPC fails.
    { request: "@grpc/grpc-js", requiredFrom: "/@pulumi/pulumi/runtime/" },
    { request: "@grpc/grpc-js", requiredFrom: "/@pulumi/pulumi/errors.js" },
    { request: "../proto/engine_grpc_pb", requiredFrom: "/@pulumi/pulumi/runtime/settings.js" },
    { request: "../proto/resource_grpc_pb", requiredFrom: "/@pulumi/pulumi/runtime/settings.js" },
    { request: "../proto/callback_grpc_pb", requiredFrom: "/@pulumi/pulumi/runtime/callbacks.js" },
    // The Automation API, exported as `pulumi.automation` by the package's index (it loads execa, js-yaml, tmp ...);
    // the fleet driver imports "@pulumi/pulumi/automation" itself, which this does not defer.
    { request: "./automation", requiredFrom: "/@pulumi/pulumi/index.js" },
    // The provider server (`pulumi.provider`, for writing providers in JavaScript), which loads gRPC at once.
    { request: "./provider", requiredFrom: "/@pulumi/pulumi/index.js" },
    // @pulumi/policy's analyzer server, started by `new PolicyPack` under the Pulumi CLI; the offline evaluator
    // (policy/offline) reads the policies without it.
    { request: "./server", requiredFrom: "/@pulumi/policy/policy.js" },
];

/**
 * From now on, `request` required from a file whose path contains `requiredFrom` returns a stand-in that loads the
 * module on its first read. It claims to be an ES module namespace (`__esModule`) so TypeScript's `__importStar`
 * passes it through instead of copying (and so loading) every export.
 */
export function deferModule(request: string, requiredFrom: string): void {
    const load = loader._load;
    loader._load = function (this: unknown, req, parent, isMain) {
        if (req !== request || !(parent?.filename ?? "").includes(requiredFrom)) {
            return load.call(this, req, parent, isMain);
        }
        let real: Record<PropertyKey, unknown> | undefined;
        const resolve = () => (real ??= load.call(this, req, parent, isMain) as Record<PropertyKey, unknown>);
        return new Proxy({}, {
            get: (_, key) => {
                if (key === "__esModule") {
                    return true;
                }
                const real = resolve();
                // A CommonJS module read through TypeScript's __importDefault/__importStar (which pass the stand-in
                // through as an ES module) is read as `.default`: the module itself, as those helpers would have made it.
                return key === "default" && !("default" in Object(real)) && real.__esModule !== true ? real : real[key];
            },
            has: (_, key) => key in resolve(),
            ownKeys: () => Reflect.ownKeys(resolve()),
            getOwnPropertyDescriptor: (_, key) => {
                const d = Reflect.getOwnPropertyDescriptor(resolve(), key);
                return d === undefined ? undefined : { ...d, configurable: true };
            },
        });
    };
}

/** Defers DEFERRED_SDK_MODULES; call before @pulumi/pulumi is first loaded. */
export function deferSdkModules(): void {
    DEFERRED_SDK_MODULES.forEach((m) => deferModule(m.request, m.requiredFrom));
}
