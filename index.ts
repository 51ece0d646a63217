// Entry point for `pulumi up`: the stack's role comes from its config (stacks/Pulumi.<stack>.yaml).
import { program } from "./stacks/program";

export = program;
