/**
 * Function sizes, read with the TypeScript compiler API: every function declaration, method, constructor and
 * accessor, and every arrow function or function expression that is not inside another function (a callback
 * nested in a function counts toward that function, not as its own entry).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";

/** One function: its name, where it starts, and its length in lines (signature through closing brace). */
export interface FunctionSize {
  name: string;
  file: string;
  line: number;
  lines: number;
}

type FunctionLike =
  | ts.FunctionDeclaration
  | ts.MethodDeclaration
  | ts.ConstructorDeclaration
  | ts.AccessorDeclaration
  | ts.ArrowFunction
  | ts.FunctionExpression;

function isNamedFunction(n: ts.Node): n is FunctionLike {
  return ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n) || ts.isConstructorDeclaration(n) || ts.isAccessor(n);
}

function nameOf(n: FunctionLike, source: ts.SourceFile): string {
  if (ts.isConstructorDeclaration(n)) return "constructor";
  if (n.name) return n.name.getText(source);
  const parent = n.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent))
    return parent.name.getText(source);
  return "<anonymous>";
}

/** The functions of the given files (paths relative to `root`), largest first (ties by file and line). */
export function functionSizes(root: string, files: readonly string[]): FunctionSize[] {
  const out: FunctionSize[] = [];
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(join(root, file), "utf8"), ts.ScriptTarget.Latest, true);
    const visit = (n: ts.Node, insideFunction: boolean): void => {
      if (isNamedFunction(n) || (!insideFunction && (ts.isArrowFunction(n) || ts.isFunctionExpression(n)))) {
        const first = source.getLineAndCharacterOfPosition(n.getStart(source)).line;
        const last = source.getLineAndCharacterOfPosition(n.getEnd()).line;
        out.push({ name: nameOf(n, source), file, line: first + 1, lines: last - first + 1 });
        ts.forEachChild(n, (c) => visit(c, true));
        return;
      }
      ts.forEachChild(n, (c) => visit(c, insideFunction));
    };
    visit(source, false);
  }
  return out.sort((a, b) => b.lines - a.lines || a.file.localeCompare(b.file) || a.line - b.line);
}
