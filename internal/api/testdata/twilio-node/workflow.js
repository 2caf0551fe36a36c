// Drives Parley's REST API with the stock twilio-node 3.x client, whose only
// change is the Autopilot domain's base URL. Run by TestTwilioNode with
// PARLEY_URL, PARLEY_ACCOUNT_SID and PARLEY_AUTH_TOKEN set.
const assert = require('node:assert/strict');
const twilio = require('twilio');

const client = twilio(process.env.PARLEY_ACCOUNT_SID, process.env.PARLEY_AUTH_TOKEN);
client.autopilot.baseUrl = process.env.PARLEY_URL;

(async () => {
  const v1 = client.autopilot.v1;
  const a = await v1.assistants.create({uniqueName: 'node-bot', friendlyName: 'Node', logQueries: true});
  assert.match(a.sid, /^UA[0-9a-f]{32}$/);
  assert.ok(a.dateCreated instanceof Date && !isNaN(a.dateCreated));
  assert.deepEqual(await v1.assistants(a.sid).tasks.list(), []);

  const greet = await v1.assistants(a.sid).tasks.create({uniqueName: 'greet', actions: {actions: [{say: 'Hello from node'}, {listen: true}]}});
  for (const x of ['hello', 'hi there', 'good morning', 'hey']) {
    await v1.assistants(a.sid).tasks('greet').samples.create({language: 'en-US', taggedText: x});
  }
  await v1.assistants(a.sid).tasks.create({uniqueName: 'bye', actions: {actions: [{say: 'Bye'}]}});
  await v1.assistants(a.sid).tasks('bye').samples.create({language: 'en-US', taggedText: 'goodbye'});

  // Lists follow next_page_url: four samples in pages of three.
  const samples = await v1.assistants(a.sid).tasks('greet').samples.list({pageSize: 3});
  assert.deepEqual(samples.map(s => s.taggedText), ['hello', 'hi there', 'good morning', 'hey']);

  const actions = await v1.assistants(a.sid).tasks(greet.sid).taskActions().fetch();
  assert.equal(actions.data.actions[0].say, 'Hello from node');

  const ft = await v1.assistants(a.sid).fieldTypes.create({uniqueName: 'size'});
  const large = await ft.fieldValues().create({language: 'en-US', value: 'large'});
  const big = await ft.fieldValues().create({language: 'en-US', value: 'big', synonymOf: 'large'});
  assert.equal(big.synonymOf, large.sid);

  let b = await v1.assistants(a.sid).modelBuilds.create({uniqueName: 'v1'});
  assert.equal(b.status, 'enqueued');
  while (b.status !== 'completed' && b.status !== 'failed') {
    await new Promise(r => setTimeout(r, 50));
    b = await b.fetch();
  }
  assert.equal(b.status, 'completed');

  const q = await v1.assistants(a.sid).queries.create({language: 'en-US', query: 'hello there'});
  assert.equal(q.results.task, 'greet');

  const d = await v1.assistants(a.sid).defaults().update({defaults: {defaults: {fallback: 'task://greet'}}});
  assert.deepEqual(d.data, {defaults: {fallback: 'task://greet'}});
  const ss = await v1.assistants(a.sid).styleSheet().update({styleSheet: {style_sheet: {voice: {say_voice: 'Polly.Joanna'}}}});
  assert.equal(ss.data.style_sheet.voice.say_voice, 'Polly.Joanna');

  await assert.rejects(v1.assistants(a.sid).tasks.create({uniqueName: 'greet'}), e => e.status === 409 && e.code === 90101);
  await assert.rejects(v1.assistants(a.sid).tasks.create({uniqueName: 'x', actions: {actions: [{sya: 'hi'}]}}),
    e => e.status === 400 && e.code === 90100 && e.message.includes('actions[0]'));
  await assert.rejects(v1.assistants('UA00000000000000000000000000000000').fetch(), e => e.status === 404 && e.code === 20404);

  await v1.assistants(a.sid).remove();
  await assert.rejects(v1.assistants(a.sid).fetch(), e => e.status === 404);
  console.log('ok');
})().catch(e => {
  console.error(e);
  process.exit(1);
});
