// Prompts, argument completion and questions to the user (elicitation),
// with the official TypeScript MCP client, against a server started with
// --sandbox --confirm-deletes. The client declares form elicitation and
// answers each question as the step says: accept, decline or cancel.
//
//   node features.mjs stdio <binary> [args...]   questions asked and answered
//   node features.mjs http <url>                 stateless HTTP: no question
//                                                can be asked; the calls fall
//                                                back to one round trip each
//
// It prints a transcript and exits 1 at the first thing that is not as the
// README says.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";

const [mode, target, ...rest] = process.argv.slice(2);

function fail(message) {
  console.log(`FAILED: ${message}`);
  process.exit(1);
}

function check(ok, message) {
  if (!ok) fail(message);
}

let wire;
switch (mode) {
  case "http":
    wire = new StreamableHTTPClientTransport(new URL(target));
    break;
  case "stdio":
    wire = new StdioClientTransport({ command: target, args: rest, env: process.env, stderr: "ignore" });
    break;
  default:
    fail("usage: node features.mjs stdio <binary> [args...] | http <url>");
}

const client = new Client({ name: "scaleway-images-mcp-features", version: "1.0.0" }, { capabilities: { elicitation: { form: {} } } });

// Each question is answered by the next planned answer; a question that
// no step planned fails the run.
const planned = [];
const questions = [];
client.setRequestHandler(ElicitRequestSchema, async (request) => {
  const params = request.params;
  questions.push(params);
  const answer = planned.shift();
  if (!answer) fail(`an unplanned question: ${params.message}`);
  console.log(`    ? ${params.message}`);
  const reply = answer(params);
  console.log(`    ! ${reply.action}${reply.content ? ` ${JSON.stringify(reply.content)}` : ""}`);
  return reply;
});

await client.connect(wire);
const server = client.getServerVersion();
console.log(`connected over ${mode} to ${server.name} ${server.version}`);
const caps = client.getServerCapabilities();
check(caps.prompts && caps.completions, `capabilities ${JSON.stringify(caps)}: want prompts and completions`);

let step = 0;
function title(line) {
  step++;
  console.log(`\n[${step}] ${line}`);
}

function text(result) {
  return result.content?.find((c) => c.type === "text")?.text ?? "";
}

// 1. The prompts, as a client lists them for its slash commands.
title("prompts/list");
const { prompts } = await client.listPrompts();
const names = prompts.map((p) => p.name).sort();
console.log(`    ← ${names.join(", ")}`);
check(JSON.stringify(names) === JSON.stringify(["clean-up-images", "image-from-snapshot", "public-images-audit", "retire-image"]), `prompts ${names}`);

title('prompts/get clean-up-images {zone: "all", older_than_days: "30"}');
const plan = await client.getPrompt({ name: "clean-up-images", arguments: { zone: "all", older_than_days: "30" } });
const planText = plan.messages[0].content.text;
console.log(`    ← ${planText.split("\n")[0]}`);
check(planText.includes("more than 30 days ago") && planText.includes("delete-instance-image"), "the clean-up plan");

title('prompts/get image-from-snapshot {zone: "par1"}');
try {
  await client.getPrompt({ name: "image-from-snapshot", arguments: { zone: "par1" } });
  fail("a zone that is no zone was accepted");
} catch (err) {
  console.log(`    ← error: ${err.message}`);
  check(err.message.includes("argument zone") && err.message.includes("fr-par-1"), "the error names the argument and the zones");
}

// 2. Completion of arguments, from lists and from the account.
async function complete(prompt, argument, value, context) {
  const res = await client.complete({ ref: { type: "ref/prompt", name: prompt }, argument: { name: argument, value }, ...(context ? { context: { arguments: context } } : {}) });
  console.log(`    ← ${JSON.stringify(res.completion.values)}`);
  return res.completion.values;
}
title('completion/complete image-from-snapshot zone "nl"');
check(JSON.stringify(await complete("image-from-snapshot", "zone", "nl")) === JSON.stringify(["nl-ams-1", "nl-ams-2", "nl-ams-3"]), "zones");
title('completion/complete image-from-snapshot snapshot "spa" (zone fr-par-1)');
check((await complete("image-from-snapshot", "snapshot", "spa", { zone: "fr-par-1" })).includes("snap-spare"), "snapshots by name");
title('completion/complete retire-image image "post"');
check((await complete("retire-image", "image", "post")).includes("postgres-16"), "images by name");

// 3. Questions, or, over stateless HTTP, the one-round-trip fallback.
const pick = (name) => (params) => {
  const choice = params.requestedSchema.properties.snapshot.oneOf.find((c) => c.title.startsWith(`${name} (`));
  if (!choice) fail(`${name} is not offered: ${JSON.stringify(params.requestedSchema.properties.snapshot.oneOf.map((c) => c.title))}`);
  return { action: "accept", content: { snapshot: choice.const, arch: "x86_64" } };
};
const create = { name: "ts-features", tags: ["ts-features"] };

if (mode === "http") {
  title("create-instance-image without root_volume, over stateless HTTP");
  const res = await client.callTool({ name: "create-instance-image", arguments: create });
  console.log(`    ← ${text(res)}`);
  check(res.isError && text(res).includes("root_volume") && text(res).includes("list-snapshots"), "the fallback names root_volume and list-snapshots");
  check(questions.length === 0, "no question can be asked over stateless HTTP");
} else {
  title("create-instance-image without root_volume: declined");
  planned.push(() => ({ action: "decline" }));
  let res = await client.callTool({ name: "create-instance-image", arguments: create });
  console.log(`    ← ${text(res)}`);
  check(res.isError && text(res).startsWith("Nothing was created: the user declined"), "declined: nothing created");

  title("create-instance-image without root_volume: dismissed");
  planned.push(() => ({ action: "cancel" }));
  res = await client.callTool({ name: "create-instance-image", arguments: create });
  console.log(`    ← ${text(res)}`);
  check(res.isError && text(res).includes("dismissed the question"), "cancelled: nothing created");
  const none = await client.callTool({ name: "list-instance-images", arguments: { name: "ts-features" } });
  check(none.structuredContent.images.length === 0, "an image was created although the user said no");

  title("create-instance-image without root_volume or arch: snap-spare picked");
  planned.push(pick("snap-spare"));
  res = await client.callTool({ name: "create-instance-image", arguments: create });
  check(!res.isError, `create: ${text(res)}`);
  const image = res.structuredContent.image;
  console.log(`    ← image ${image.id} "${image.name}" from ${image.root_volume.name} (${image.root_volume.id}), ${image.arch}`);
  check(image.root_volume.name === "snap-spare" && image.arch === "x86_64", "made from the snapshot picked");

  title("delete-instance-image under --confirm-deletes: declined");
  planned.push(() => ({ action: "decline" }));
  res = await client.callTool({ name: "delete-instance-image", arguments: { image_id: image.id } });
  console.log(`    ← ${text(res)}`);
  check(res.isError && text(res).startsWith("Nothing was deleted"), "declined: nothing deleted");
  const still = await client.callTool({ name: "get-instance-image", arguments: { image_id: image.id } });
  check(!still.isError, "the image is gone although the user declined");

  title("delete-instance-image under --confirm-deletes: with its snapshots");
  planned.push(() => ({ action: "accept", content: { delete_snapshots: true } }));
  res = await client.callTool({ name: "delete-instance-image", arguments: { image_id: image.id } });
  console.log(`    ← ${res.structuredContent?.message ?? text(res)}`);
  check(!res.isError && res.structuredContent.message.includes("and 1 of its snapshots, no longer billed"), "image and snapshot deleted");
  const left = await client.callTool({ name: "list-snapshots", arguments: { name: "snap-spare" } });
  check(left.structuredContent.snapshots.length === 0, "snap-spare still exists");
  check(questions.length === 5 && planned.length === 0, `${questions.length} questions asked, ${planned.length} answers left`);
}

await client.close();
console.log(`\nfeatures complete over ${mode}: ${step} steps, ${questions.length} questions`);
