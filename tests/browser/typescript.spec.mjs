// The generated .d.ts is precise enough for a strict TypeScript example.
import { test, expect } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

// An element's options against the card build, which refuses `appearance`
// (the type says so: it does not type-check there; `style` does), and the
// Elements build, which takes both.
const STYLE = '{ style: { base: { color: "#123" } }, classes: { base: "mine" } }';
const LOOK = '{ appearance: { theme: "dark" } }';
const PROBES = {
  "card-style.ts": ["paysession-card.js", STYLE],
  "card-look.ts": ["paysession-card.js", LOOK],
  "elements-look.ts": ["paysession-elements.js", LOOK],
};

// One compiler run for tests/ts/example.ts and the probes, with tests/ts's
// compiler options (strict, the libraries' declarations checked too): tsc's
// start and its check of the DOM's declarations are most of a run, and four
// runs took 46 s of the browser layer. Each test reads its files' diagnostics
// ("path(line,col): error TS…", continued on indented lines).
let diagnostics;
function compile() {
  if (diagnostics) return diagnostics;
  const dir = mkdtempSync(join(resolve(".tmp"), "ts-"));
  try {
    for (const [file, [module, options]] of Object.entries(PROBES)) {
      writeFileSync(join(dir, file), `import { PaySession } from ${JSON.stringify(resolve("pkg-web", module))};
new PaySession("pk_test_x", { fieldsBase: "https://f.example" }).createElement("cardnumber", ${options});\n`);
    }
    const { compilerOptions } = JSON.parse(readFileSync("tests/ts/tsconfig.json", "utf8"));
    const files = [resolve("tests/ts/example.ts"), ...Object.keys(PROBES)];
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, files }));
    let out = "";
    try {
      execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", dir], { encoding: "utf8", stdio: "pipe" });
    } catch (e) { out = `${e.stdout}${e.stderr}`; }
    diagnostics = out.split(/\n(?=\S)/).map((d) => d.trim()).filter(Boolean);
    return diagnostics;
  } finally { rmSync(dir, { recursive: true, force: true }); }
}
// Whether diagnostic `d` is of a file whose path ends with one of `names`.
const inFiles = (d, names) => names.some((n) => d.split("(")[0].endsWith(n));
const of = (names) => compile().filter((d) => inFiles(d, names));
const CARD_FILES = [...Object.keys(PROBES), "paysession-card.d.ts", "paysession-elements.d.ts"];

test("tests/ts/example.ts type-checks against pkg-web/paysession.d.ts", () => {
  // Everything but the card test's files: the example, the checkout's
  // declarations and anything tsc does not pin to a file.
  const rest = compile().filter((d) => !inFiles(d, CARD_FILES));
  expect(rest.join("\n")).toBe("");
});

test("the declarations name the contract's types, not any", () => {
  const dts = readFileSync("pkg-web/paysession.d.ts", "utf8");
  for (const t of ["createSource(payload: SourceInput, data?: ElementSourceData | null): Promise<CreateSourceResult>",
    "export type SourceInput = CreateSourcePayload | PaySessionElement;",
    "createElement(type: ElementType, options?: ElementOptions | null): PaySessionElement",
    "retrieveAvailablePaymentMethods(query: PaymentMethodsQuery): Promise<PaymentMethodsResult>",
    "retrieveSource(id: string, clientSecret: string): Promise<Source>",
    "createDropin(config: DropinConfiguration): Dropin"]) {
    expect(dts).toContain(t);
  }
  const classPart = dts.slice(dts.indexOf("export class PaySession"));
  expect(classPart.slice(0, classPart.indexOf("\n}"))).not.toMatch(/: any\b/);
});

test("the drop-in build declares only what it has", () => {
  const dts = readFileSync("pkg-web/paysession-dropin.d.ts", "utf8");
  for (const t of ["export type SourceInput = CreateSourcePayload;",
    "createSource(payload: SourceInput, data?: never | null): Promise<CreateSourceResult>",
    "retrieveAvailablePaymentMethods(query: PaymentMethodsQuery): Promise<PaymentMethodsResult>",
    "createDropin(config: DropinConfiguration): Dropin"]) {
    expect(dts).toContain(t);
  }
  for (const absent of ["createElement(", "retrieveSource(", "retrieveSession(", "updateSession(", "authenticateSource(",
    "retrieveComplianceDetails(", "export class ComplianceElement", "export class PaySessionElement"]) {
    expect(dts).not.toContain(absent);
  }
});

test("the card build declares only what it has", () => {
  const dts = readFileSync("pkg-web/paysession-card.d.ts", "utf8");
  expect(dts).toContain("export type SourceInput = PaySessionElement;");
  expect(dts).toContain("createSource(payload: SourceInput, data?: ElementSourceData | null): Promise<CreateSourceResult>");
  for (const absent of ["retrieveAvailablePaymentMethods(", "retrieveSession(", "updateSession(", "createDropin(", "export class ComplianceElement"]) {
    expect(dts).not.toContain(absent);
  }
  // An element's appearance, refused by the card build, does not type-check
  // there; style does; the Elements build takes both.
  expect(of(["card-style.ts", "elements-look.ts", "paysession-card.d.ts", "paysession-elements.d.ts"]).join("\n")).toBe("");
  expect(of(["card-look.ts"]).join("\n")).toMatch(/error TS\d+:.*appearance|not assignable to type 'undefined'/s);
});
