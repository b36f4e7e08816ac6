// Regenerates src/generated/api.ts from openapi.json into a temporary file and fails (exit 1)
// when the committed file differs, so CI catches types that no longer match the API.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const committed = join(root, "src", "generated", "api.ts");
const dir = mkdtempSync(join(tmpdir(), "vetanco-sdk-"));
const fresh = join(dir, "api.ts");
try {
  execFileSync(
    process.execPath,
    [
      join(root, "node_modules", "openapi-typescript", "bin", "cli.js"),
      join(root, "openapi.json"),
      "--output",
      fresh,
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  const expected = readFileSync(fresh, "utf8");
  let actual = "";
  try {
    actual = readFileSync(committed, "utf8");
  } catch {
    actual = "";
  }
  if (actual !== expected) {
    const a = actual.split("\n");
    const b = expected.split("\n");
    const line = b.findIndex((text, i) => a[i] !== text);
    console.error(
      `src/generated/api.ts está desactualizado respecto de openapi.json (primera diferencia en la línea ${line + 1}).\n` +
        `  committed: ${JSON.stringify(a[line] ?? "<fin del archivo>")}\n` +
        `  generado:  ${JSON.stringify(b[line] ?? "<fin del archivo>")}\n` +
        "Corré `npm run generate` en sdk/typescript y commiteá el resultado.",
    );
    process.exitCode = 1;
  } else {
    console.log("src/generated/api.ts está al día con openapi.json");
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
