/**
 * Lists functions longer than a limit (default 80 lines), longest first: every function,
 * method, constructor, accessor and function-valued expression, measured from its first line to
 * its last, nested functions included in their parent's count.
 * Usage: npx ts-node --transpile-only tools/layout/functionLengths.ts [--max N] DIR_OR_FILE...
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

export interface FunctionLength {
    readonly file: string;
    readonly name: string;
    readonly line: number;
    readonly lines: number;
}

function nameOf(node: ts.Node): string {
    if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node)) && node.name !== undefined) {
        return node.name.getText();
    }
    if (ts.isConstructorDeclaration(node)) {
        const cls = node.parent;
        return `${ts.isClassLike(cls) && cls.name !== undefined ? cls.name.getText() : "class"} constructor`;
    }
    const parent = node.parent;
    if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) {
        return parent.name.getText();
    }
    if (ts.isCallExpression(parent)) {
        return `(callback of ${parent.expression.getText().slice(0, 40)})`;
    }
    return "(anonymous)";
}

function isFunctionLike(node: ts.Node): node is ts.FunctionLikeDeclaration {
    return ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isConstructorDeclaration(node) || ts.isGetAccessor(node)
        || ts.isSetAccessor(node) || ts.isArrowFunction(node) || ts.isFunctionExpression(node);
}

export function functionLengths(file: string): FunctionLength[] {
    const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
    const out: FunctionLength[] = [];
    const visit = (node: ts.Node) => {
        if (isFunctionLike(node) && node.body !== undefined) {
            const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
            const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
            out.push({ file, name: nameOf(node), line: start + 1, lines: end - start + 1 });
        }
        ts.forEachChild(node, visit);
    };
    visit(source);
    return out;
}

export function typeScriptFiles(target: string): string[] {
    if (fs.statSync(target).isFile()) {
        return target.endsWith(".ts") ? [target] : [];
    }
    return fs.readdirSync(target, { withFileTypes: true })
        .filter((e) => e.name !== "node_modules" && e.name !== "bin")
        .flatMap((e) => typeScriptFiles(path.join(target, e.name)));
}

if (require.main === module) {
    const args = process.argv.slice(2);
    let max = 80;
    const i = args.indexOf("--max");
    if (i >= 0) {
        max = Number(args[i + 1]);
        args.splice(i, 2);
    }
    const long = args.flatMap(typeScriptFiles).flatMap(functionLengths).filter((f) => f.lines > max).sort((a, b) => b.lines - a.lines);
    long.forEach((f) => console.log(`${String(f.lines).padStart(4)}  ${f.file}:${f.line}  ${f.name}`));
    console.log(`${long.length} function(s) over ${max} lines`);
    process.exitCode = long.length > 0 ? 1 : 0;
}
