/**
 * A fleet (hub + spokes) whose only custom resources are `pulumi.dynamic.Resource`s: the engine
 * serves them through the SDK's own dynamic provider (`pulumi-resource-pulumi-nodejs` running
 * @pulumi/pulumi/cmd/dynamic-provider, which deserializes the provider below from the state), so
 * create/read/diff/update/delete are the SDK's dynamic-provider protocol end to end, with no
 * project-made provider in the way.
 *
 * Each stack registers itself in a file, $FLEET_FIXTURE_DIR/state/<stack>/registration (outside the
 * state file). `read` reports what the file holds now (and the resource as gone when the file is),
 * so an out-of-band edit is what `pulumi refresh` — and the fleet driver's `drift` — sees.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config("oss-monitoring");
const role = config.require("role");
const stack = pulumi.getStack();
const dir = process.env.FLEET_FIXTURE_DIR;
if (dir === undefined) {
    throw new Error("FLEET_FIXTURE_DIR is not set: the fixture fleet needs a directory for its state");
}

interface FileProps {
    readonly path: string;
    readonly content: string;
}

/**
 * The provider the SDK serializes into the state: a file whose content is the resource. Its
 * functions capture only `fs` and `path`, which closure serialization turns into require()s.
 */
const fileProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: FileProps) {
        fs.mkdirSync(path.dirname(inputs.path), { recursive: true });
        fs.writeFileSync(inputs.path, inputs.content);
        return { id: inputs.path, outs: { path: inputs.path, content: inputs.content } };
    },
    async read(id: string, props: FileProps) {
        // Blank id: the resource is gone (@pulumi/pulumi dynamic ReadResult).
        if (!fs.existsSync(id)) {
            return {};
        }
        return { id, props: { ...props, path: id, content: fs.readFileSync(id, "utf8") } };
    },
    async diff(_id: string, olds: FileProps, news: FileProps) {
        const replaces = olds.path !== news.path ? ["path"] : [];
        const changed = replaces.length > 0 || olds.content !== news.content;
        return { changes: changed, replaces, deleteBeforeReplace: true };
    },
    async update(_id: string, _olds: FileProps, news: FileProps) {
        fs.writeFileSync(news.path, news.content);
        return { outs: { path: news.path, content: news.content } };
    },
    async delete(id: string) {
        fs.rmSync(id, { force: true });
    },
};

class RegistrationFile extends pulumi.dynamic.Resource {
    public declare readonly content: pulumi.Output<string>;

    constructor(name: string, args: { readonly path: pulumi.Input<string>; readonly content: pulumi.Input<string> }, opts?: pulumi.CustomResourceOptions) {
        super(fileProvider, name, { path: args.path, content: args.content }, opts);
    }
}

const registration = path.join(dir, "state", stack, "registration");
const outputs: Record<string, unknown> = { role };
if (role === "hub") {
    const endpoint = `collector.${stack}.fixture.internal`;
    outputs.endpoint = new RegistrationFile(`${stack}-registration`, { path: registration, content: `${endpoint}\n` }).content.apply((c) => c.trim());
} else {
    const hub = new pulumi.StackReference("hub", { name: config.require("hubStack") });
    const endpoint = hub.requireOutput("endpoint") as pulumi.Output<string>;
    outputs.registration = new RegistrationFile(`${stack}-registration`, { path: registration, content: pulumi.interpolate`${stack}->${endpoint}\n` }).content;
}

export = outputs;
