import { PulumiCommand } from "@pulumi/pulumi/automation";
import { PulumiCliMissingError } from "../errors";

export const INSTALL_HELP = [
    "Install the Pulumi CLI and make sure `pulumi version` works in this shell:",
    "  curl -fsSL https://get.pulumi.com | sh        (Linux, macOS)",
    "  brew install pulumi/tap/pulumi                (macOS)",
    "  winget install pulumi                         (Windows)",
    "See https://www.pulumi.com/docs/install/. No stack was touched.",
].join("\n");

export type PulumiLocator = () => Promise<PulumiCommand>;

/**
 * Finds the CLI once, before anything else runs. PulumiCommand.get() spawns `pulumi version`
 * and fails at once when the binary is missing, so there is no hang; the error is turned into
 * install instructions (or upgrade instructions when the CLI is older than the SDK needs).
 */
export async function locatePulumi(get: PulumiLocator = () => PulumiCommand.get()): Promise<PulumiCommand> {
    try {
        return await get();
    } catch (e) {
        const detail = (e instanceof Error ? e.message : String(e)).split("\n").map((l) => l.trim()).filter(Boolean);
        const tooOld = detail.some((l) => /minimum version|version requirement|is not compatible/i.test(l));
        const reason = tooOld
            ? "The installed Pulumi CLI is older than this project's SDK (@pulumi/pulumi 3.248) supports; upgrade it."
            : "The Pulumi CLI was not found on PATH; the fleet driver runs every stack through it.";
        const cause = detail.find((l) => /ENOENT|not found|minimum|version/i.test(l)) ?? detail[0] ?? "unknown error";
        throw new PulumiCliMissingError(`${reason}\n(${cause})\n${INSTALL_HELP}`);
    }
}
