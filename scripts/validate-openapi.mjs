// Validates an OpenAPI document (default docs/openapi.json) with
// @apidevtools/swagger-parser: the OpenAPI 3.1 JSON Schema plus the
// specification's rules (path parameters declared, operation ids unique, ...).
// Run by the server's test `openapi_document_is_valid`; exits non-zero, naming
// the problem, when the document is not valid.
// Usage: node scripts/validate-openapi.mjs [FILE]
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
let SwaggerParser;
try {
  SwaggerParser = require("@apidevtools/swagger-parser");
} catch {
  console.error("validate-openapi: @apidevtools/swagger-parser is missing: run scripts/setup.sh (it installs the npm devDependencies)");
  process.exit(2);
}
const file = process.argv[2] || new URL("../docs/openapi.json", import.meta.url).pathname;
try {
  const api = await SwaggerParser.validate(file);
  console.log(`validate-openapi: ${file} is a valid OpenAPI ${api.openapi} document`);
} catch (e) {
  console.error(`validate-openapi: ${file} is not valid: ${e.message}`);
  process.exit(1);
}
