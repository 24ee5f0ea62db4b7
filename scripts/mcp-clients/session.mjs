// One full session with the official TypeScript MCP client, as an
// assistant with no prior knowledge of the account would run it: find a
// snapshot, make an image from it and wait (with progress), find the image,
// change it with both update tools, delete it. It prints a transcript and
// exits 1 at the first thing that is not as the tools describe it.
//
//   node session.mjs http <url> [--progress] [--header 'Name: value']...
//   node session.mjs stdio <binary> [args...] [--progress]
//
// --progress: the upstream keeps new images "creating" for a while, so the
// wait must send progress notifications: at least two, rising, the last
// saying "available". They are counted as they come off the transport (see
// below), because the client itself drops one that arrives in the same
// read as the result.
//
// --header (http only, repeatable): sent with every request of the session,
// such as the caller's own Scaleway key, --header 'X-Auth-Token: <key>'.
// The transcript names the headers sent, never their values.
//
// The client validates every structured result against the tool's output
// schema, so a result that breaks its own schema fails the session too.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const args = [];
const headers = {};
let wantProgress = false;
for (let i = 2; i < process.argv.length; i++) {
  const arg = process.argv[i];
  if (arg === "--progress") {
    wantProgress = true;
  } else if (arg === "--header") {
    const header = process.argv[++i] ?? "";
    const colon = header.indexOf(":");
    if (colon < 1) fail(`--header ${JSON.stringify(header)}: use --header 'Name: value'`);
    headers[header.slice(0, colon).trim()] = header.slice(colon + 1).trim();
  } else {
    args.push(arg);
  }
}
const [mode, target, ...rest] = args;

function fail(message) {
  console.log(`FAILED: ${message}`);
  process.exit(1);
}

function transport() {
  switch (mode) {
    case "http":
      return new StreamableHTTPClientTransport(new URL(target), { requestInit: { headers } });
    case "stdio":
      if (Object.keys(headers).length) fail("--header is for http: over stdio there are no requests to carry it");
      // The server's log goes to stderr; keep it out of the transcript.
      return new StdioClientTransport({ command: target, args: rest, env: process.env, stderr: "ignore" });
    default:
      fail("usage: node session.mjs http <url> [--header 'Name: value']... | stdio <binary> [args...] [--progress]");
  }
}

// rows turns a compact list (columns and rows of values) into objects.
function rows(result, key) {
  const list = result.structuredContent;
  if (!list || !Array.isArray(list[key])) fail(`no ${key} in ${JSON.stringify(list).slice(0, 300)}`);
  if (!list.columns) return list[key];
  return list[key].map((row) => Object.fromEntries(list.columns.map((c, i) => [c, row[i]])));
}

const client = new Client({ name: "scaleway-images-mcp-session", version: "1.0.0" });
let step = 0;

async function call(name, args, options = {}) {
  step++;
  console.log(`\n[${step}] → ${name} ${JSON.stringify(args)}`);
  const result = await client.callTool({ name, arguments: args }, undefined, { timeout: 120_000, ...options });
  const text = result.content?.find((c) => c.type === "text")?.text ?? "";
  if (result.isError) fail(`${name} answered an error: ${text}`);
  return result;
}

function show(line) {
  console.log(`    ← ${line}`);
}

// The SDK hands a progress notification to onprogress a microtask after
// it reads it, but settles the call as soon as it reads the result: when
// both come in one read (stdio on a busy machine), the last notification
// is dropped as unknown (typescript-sdk#2580). So the progress the server
// sent is read off the transport, in the order it came; onprogress only
// asks for it.
const wire = transport();
const progress = [];
await client.connect(wire);
const dispatch = wire.onmessage;
wire.onmessage = (message, extra) => {
  if (message.method === "notifications/progress") {
    progress.push(message.params);
    console.log(`    … progress ${message.params.progress.toFixed(1)}/${message.params.total} s: ${message.params.message}`);
  }
  dispatch?.(message, extra);
};
const server = client.getServerVersion();
const sent = Object.keys(headers);
console.log(`connected over ${mode} to ${server.name} ${server.version}${sent.length ? `, sending ${sent.join(", ")}` : ""}`);

const { tools } = await client.listTools();
const listBytes = Buffer.byteLength(JSON.stringify({ tools }));
for (const tool of tools) {
  for (const [prop, schema] of Object.entries(tool.inputSchema.properties ?? {})) {
    if (!schema.description) fail(`${tool.name}.${prop} has no description`);
  }
}
console.log(`tools/list: ${tools.length} tools (${listBytes} bytes as parsed and re-encoded), every parameter described: ${tools.map((t) => t.name).join(", ")}`);

// 1. Find a snapshot an image can be made from.
const snapshotsResult = await call("list-snapshots", { unused: true });
const snapshots = rows(snapshotsResult, "snapshots");
show(`${snapshots.length} unused snapshots${snapshots.length ? `; first ${JSON.stringify(snapshots[0])}` : ""}`);
const snapshot = snapshots.find((s) => s.state === "available");
if (!snapshot) fail("no available snapshot to make an image from");

// 2. Make an image from it and wait, with progress.
const name = `ts-session-${Date.now().toString(36)}`;
const created = await call(
  "create-instance-image",
  { name, root_volume: snapshot.id, arch: "x86_64", tags: ["ts-session"], wait: true },
  {
    onprogress: () => {},
    resetTimeoutOnProgress: true,
  },
);
const image = created.structuredContent.image;
show(`image ${image.id} "${image.name}" is ${image.state}; waited ${created.structuredContent.wait_seconds ?? 0} s`);
if (image.state !== "available") fail(`the wait ended with the image ${image.state}`);
if (wantProgress && (progress.length < 2 || progress.some((p, i) => i > 0 && p.progress <= progress[i - 1].progress) || !progress.at(-1).message.includes("available"))) {
  fail(`${progress.length} progress notifications (${progress.map((p) => p.progress).join(", ")}), want at least two, rising, the last saying available`);
}

// 3. Find it by name.
const found = rows(await call("list-instance-images", { name }), "images");
show(`${found.length} image(s) named like ${name}: ${found.map((i) => i.id).join(", ")}`);
if (!found.some((i) => i.id === image.id)) fail("the new image is not listed");

// 4. Change it with both update tools: update-image replaces (PUT),
// update-image-2 changes only the fields given (PATCH).
const renamed = (await call("update-image", { id: image.id, name: `${name}-renamed`, tags: ["ts-session", "renamed"] })).structuredContent.image;
show(`renamed to "${renamed.name}", tags ${JSON.stringify(renamed.tags)}`);
if (renamed.name !== `${name}-renamed`) fail("update-image did not rename the image");
const patched = (await call("update-image-2", { image_id: image.id, tags: ["ts-session", "patched"] })).structuredContent.image;
show(`tags now ${JSON.stringify(patched.tags)}, name still "${patched.name}"`);
if (patched.name !== `${name}-renamed` || !patched.tags.includes("patched")) fail("update-image-2 did not change only the tags");

// 5. Read it back, then delete it.
const got = (await call("get-instance-image", { image_id: image.id })).structuredContent.image;
show(`${got.id} is ${got.state}, root volume ${got.root_volume.id} (${got.root_volume.volume_type})`);
const deleted = (await call("delete-instance-image", { image_id: image.id })).structuredContent;
show(deleted.message);
const gone = await client.callTool({ name: "get-instance-image", arguments: { image_id: image.id } });
const goneText = gone.content?.find((c) => c.type === "text")?.text ?? "";
if (!gone.isError) fail("the image is still there after delete");
console.log(`\n[check] get-instance-image after delete: ${goneText.slice(0, 160)}`);

await client.close();
console.log(`\nsession complete: ${step} calls, ${progress.length} progress notifications`);
