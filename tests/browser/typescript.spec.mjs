// The generated .d.ts is precise enough for a strict TypeScript example.
import { test, expect } from "@playwright/test";
import { execFileSync } from "node:child_process";

test("tests/ts/example.ts type-checks against pkg-web/paysession.d.ts", () => {
  let out = "";
  try {
    out = execFileSync("npx", ["tsc", "--noEmit", "-p", "tests/ts"], { encoding: "utf8", stdio: "pipe" });
  } catch (e) {
    out = `${e.stdout}${e.stderr}`;
    throw new Error(`tsc failed:\n${out}`);
  }
  expect(out).toBe("");
});

test("the declarations name the contract's types, not any", async () => {
  const { readFileSync } = await import("node:fs");
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

test("the card build declares only what it has", async () => {
  const { readFileSync } = await import("node:fs");
  const dts = readFileSync("pkg-web/paysession-card.d.ts", "utf8");
  expect(dts).toContain("export type SourceInput = PaySessionElement;");
  expect(dts).toContain("createSource(payload: SourceInput, data?: ElementSourceData | null): Promise<CreateSourceResult>");
  for (const absent of ["retrieveAvailablePaymentMethods(", "retrieveSession(", "updateSession(", "createDropin(", "export class ComplianceElement"]) {
    expect(dts).not.toContain(absent);
  }
  // An element's appearance, refused by the card build, does not type-check
  // there; style does; the Elements build takes both.
  const { mkdtempSync, writeFileSync, rmSync } = await import("node:fs");
  const { join, resolve } = await import("node:path");
  const dir = mkdtempSync(join(resolve(".tmp"), "ts-card-"));
  const check = (module, options) => {
    writeFileSync(join(dir, "a.ts"), `import { PaySession } from ${JSON.stringify(resolve("pkg-web", module))};
new PaySession("pk_test_x", { fieldsBase: "https://f.example" }).createElement("cardnumber", ${options});\n`);
    // tests/ts's compiler options, on this one file.
    const { compilerOptions } = JSON.parse(readFileSync("tests/ts/tsconfig.json", "utf8"));
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, files: ["a.ts"] }));
    try {
      execFileSync("npx", ["tsc", "-p", dir], { encoding: "utf8", stdio: "pipe" });
      return "";
    } catch (e) { return `${e.stdout}${e.stderr}`; }
  };
  try {
    const style = '{ style: { base: { color: "#123" } }, classes: { base: "mine" } }', look = '{ appearance: { theme: "dark" } }';
    expect(check("paysession-card.js", style)).toBe("");
    expect(check("paysession-card.js", look)).toMatch(/error TS\d+:.*appearance|not assignable to type 'undefined'/s);
    expect(check("paysession-elements.js", look)).toBe("");
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
