// Drives the console in a real Chromium: sign in, import an example, open
// its page; screenshots of each page go to the directory given.
// Usage: node browser.js BASE_URL ACCOUNT_SID AUTH_TOKEN SCHEMA_FILE SHOTS_DIR
const { chromium } = require('playwright-core');
const path = require('path');

const [base, sid, token, schema, shots, otherSite] = process.argv.slice(2);

function check(ok, what) {
  if (!ok) {
    throw new Error('failed: ' + what);
  }
}

// audit checks what a screen reader and a keyboard need of the page, and
// the contrast of its text (WCAG AA: 4.5:1, 3:1 for large text); it
// returns what fails.
async function audit(page) {
  return page.evaluate(() => {
    const problems = [];
    const visible = (el) => {
      const r = el.getBoundingClientRect();
      const st = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && st.visibility !== 'hidden' && st.display !== 'none';
    };
    const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : '') +
      ' "' + (el.textContent || '').trim().slice(0, 30) + '"';
    if (!document.documentElement.lang) problems.push('html has no lang');
    if (!document.title) problems.push('no title');
    if (document.querySelectorAll('h1').length !== 1) problems.push(document.querySelectorAll('h1').length + ' h1 elements');
    for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
      const named = el.labels?.length > 0 || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || el.title;
      if (!named) problems.push('a form control without a label: ' + describe(el));
    }
    for (const el of document.querySelectorAll('img')) {
      if (!el.hasAttribute('alt')) problems.push('an image without alt: ' + el.src);
    }
    for (const el of document.querySelectorAll('a, button')) {
      if (visible(el) && !(el.textContent.trim() || el.getAttribute('aria-label') || el.querySelector('title, img[alt]'))) {
        problems.push('a control without a name: ' + describe(el));
      }
    }
    // Contrast: every visible element with text of its own, against the
    // first opaque background behind it.
    const rgba = (c) => (c.match(/[\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
      const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgba(getComputedStyle(e).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    for (const el of document.querySelectorAll('body *')) {
      if (['SCRIPT', 'STYLE', 'svg', 'SVG'].includes(el.tagName) || el.closest('svg')) continue;
      const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
      if (!own || !visible(el)) continue;
      const st = getComputedStyle(el);
      const fg = rgba(st.color).slice(0, 3);
      const [l1, l2] = [lum(fg), lum(background(el))].sort((a, b) => b - a);
      const ratio = (l1 + 0.05) / (l2 + 0.05);
      const size = parseFloat(st.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(st.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) problems.push('contrast ' + ratio.toFixed(2) + ': ' + describe(el));
    }
    return problems;
  });
}

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    for (const [name, viewport] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 375, height: 740 }]]) {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      const shot = async (n) => page.screenshot({ path: path.join(shots, `${n}-${name}.png`), fullPage: true });

      // / leads to the sign-in page.
      await page.goto(base + '/');
      check(page.url().endsWith('/console/signin'), 'redirect to sign in, at ' + page.url());
      await shot('signin');

      // A wrong token is refused, with a message.
      await page.getByLabel('Account SID').fill(sid);
      await page.getByLabel('Auth token').fill('wrong-token');
      await page.getByRole('button', { name: 'Sign in' }).click();
      check((await page.getByRole('alert').textContent()).includes('do not match'), 'wrong token refused');

      // Keyboard: the fields and the button are reachable with Tab.
      await page.getByLabel('Auth token').fill(token);
      await page.getByLabel('Auth token').press('Enter');
      await page.waitForURL('**/console/assistants');
      await shot('assistants');

      // Import the example from the form's file input.
      await page.getByLabel('Autopilot assistant schema (.json)').setInputFiles(schema);
      await page.getByRole('button', { name: 'Import' }).click();
      await page.waitForSelector('.flash');
      // The phone's pass imports the same file again: an update.
      const verb = name === 'desktop' ? 'Imported' : 'Updated';
      check((await page.locator('.flash').textContent()).includes(verb + ' pizza'), 'import flash');
      const link = page.getByRole('link', { name: 'pizza', exact: true });
      check(await link.count() === 1, 'the imported assistant is listed');
      await shot('imported');

      // Its page lists its tasks and its model build.
      await link.click();
      await page.waitForSelector('h1');
      check((await page.locator('h1').textContent()).trim() === 'pizza', 'assistant page title');
      check(await page.getByRole('cell', { name: 'order', exact: true }).count() === 1, 'the order task listed');
      await shot('assistant');

      if (name === 'desktop') {
        // Edit a task's Actions: an error shows next to the editor, with
        // its JSON path; the fix saves.
        await page.getByRole('link', { name: 'greeting', exact: true }).click();
        await page.waitForSelector('#Actions');
        await page.getByLabel('Actions JSON').fill('{"actions": [{"say": "Hi there!"}, {"listen": "yes"}]}');
        await page.getByRole('button', { name: 'Save actions' }).click();
        await page.waitForSelector('#Actions-error');
        check((await page.locator('#Actions-error').textContent()).includes('actions[1].listen'), 'the error names its JSON path');
        check((await page.getByLabel('Actions JSON').inputValue()).includes('"yes"'), 'the text sent stays in the editor');
        await shot('task-error');
        await page.getByLabel('Actions JSON').fill('{"actions": [{"say": "Hi there!"}, {"listen": true}]}');
        await page.getByRole('button', { name: 'Save actions' }).click();
        await page.waitForSelector('.flash');
        check((await page.locator('.flash').textContent()).includes('Actions saved.'), 'actions saved');
        await shot('task');

        // Build, and watch the status change without touching the page.
        await page.getByRole('link', { name: 'pizza', exact: true }).click();
        await page.getByRole('button', { name: 'Start a model build' }).click();
        await page.waitForSelector('.flash');
        // What is being typed meanwhile stays: only the builds refresh.
        await page.evaluate(() => { window.notReloaded = true; });
        await page.getByLabel('New task\'s unique name').fill('typed_while_building');
        await page.waitForFunction(() => {
          const cells = [...document.querySelectorAll('td[class^="status-"]')];
          return cells.length > 0 && cells.every((c) => c.textContent.trim() === 'completed');
        }, null, { timeout: 30000 });
        check(await page.evaluate(() => window.notReloaded === true), 'the page was not reloaded while the build ran');
        check((await page.getByLabel('New task\'s unique name').inputValue()) === 'typed_while_building', 'the text typed meanwhile stays');
        await page.getByLabel('New task\'s unique name').fill('');
        await shot('built');

        // The simulator: a message, the bot's answer and its trace.
        await page.getByRole('link', { name: 'Simulator' }).click();
        await page.getByLabel('Message').fill('I want a large pepperoni pizza');
        await page.getByRole('button', { name: 'Send' }).click();
        await page.waitForSelector('.transcript .bot .say');
        check((await page.locator('.transcript .bot .say').first().textContent()).includes('How many?'), 'the bot asks how many');
        await page.locator('.trace summary').first().click();
        const traceText = await page.locator('.trace').first().textContent();
        check(traceText.includes('order') && traceText.includes('size = large'), 'the trace names the task and the fields: ' + traceText);
        check(traceText.includes('"twilio"'), 'the trace shows the Memory: ' + traceText);
        await shot('simulator');
        await page.getByRole('button', { name: 'Reset' }).click();
        check((await page.locator('.transcript li').count()) === 1, 'reset clears the transcript');

        // The dialogue is logged: the Dialogues page lists it, with its
        // turns and their trace.
        // (The turn log is written in the background: a moment later.)
        for (let i = 0; i < 40; i++) {
          await page.goto(base + '/console/assistants/pizza/dialogues');
          if (await page.locator('tbody a').count() > 0) break;
          await page.waitForTimeout(250);
        }
        await page.locator('tbody a').first().click();
        await page.waitForSelector('.transcript .trace');
        check((await page.locator('main').textContent()).includes('size = large'), 'the logged turn keeps its trace');
        await shot('dialogue');

        // A query logged through the REST API, relabelled into a sample in
        // one click.
        const res = await fetch(base + '/v1/Assistants/pizza/Queries', {
          method: 'POST',
          headers: { Authorization: 'Basic ' + Buffer.from(sid + ':' + token).toString('base64'), 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ Language: 'en-US', Query: 'what is on the menu today' }),
        });
        check(res.status === 201, 'query created: ' + res.status);
        await page.goto(base + '/console/assistants/pizza/queries');
        await page.getByLabel('Task for “what is on the menu today”').selectOption('menu');
        await page.getByRole('button', { name: 'Add as sample' }).click();
        await page.waitForSelector('.flash');
        check((await page.locator('.flash').textContent()).includes('is now a sample of menu'), 'relabelled');
        await shot('queries');

        // The flow graph and the understanding report.
        await page.goto(base + '/console/assistants/pizza');
        await page.getByRole('link', { name: 'Flow' }).click();
        await page.waitForSelector('.drawing svg');
        check(await page.locator('.drawing svg a').count() >= 8, 'the flow links every task');
        check((await page.locator('#findings-title + ul').textContent()).includes('goodbye'), 'the flow names the dead end');
        await shot('flow');
        await page.goto(base + '/console/assistants/pizza/understanding');
        await page.waitForSelector('.drawing svg');
        check((await page.locator('main').textContent()).includes('held-out samples reached their task'), 'the report');
        await shot('understanding');

        // The web chat: on for the other site's origin, then used there.
        await page.goto(base + '/console/assistants/pizza');
        const pizzaSID = (await page.locator('.meta code').first().textContent()).trim();
        await page.getByLabel('On: pages of these origins may embed the chat').check();
        await page.getByLabel('Allowed origins (one per line, like https://shop.example.com)').fill(otherSite);
        await page.getByRole('button', { name: 'Save web chat' }).click();
        await page.waitForSelector('.flash');
        check((await page.locator('.flash').textContent()).includes('Web chat saved.'), 'web chat saved');
        for (const [who, vp] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 375, height: 740 }]]) {
          const shop = await browser.newContext({ viewport: vp });
          const sp = await shop.newPage();
          await sp.goto(otherSite + '/?assistant=' + pizzaSID);
          await sp.getByRole('button', { name: 'Chat with us' }).click();
          await sp.getByLabel('Your message').fill('show me the menu');
          await sp.getByRole('button', { name: 'Send' }).click();
          await sp.waitForSelector('[data-parley-webchat] >> li.bot');
          const said = await sp.locator('[data-parley-webchat] >> li.bot').allTextContents();
          check(said.length === 2 && said[0].includes('Margherita') && said[1].includes('Would you like to order?'), 'the web chat answers, in order: ' + said);
          check(await sp.locator('[data-parley-webchat] >> li.bot img').count() === 1, 'the menu image is shown');
          if (who === 'phone') {
            const w = await sp.evaluate(() => document.documentElement.scrollWidth);
            check(w <= 375, 'web chat width on a phone: ' + w);
          }
          await sp.screenshot({ path: path.join(shots, `webchat-${who}.png`) });
          await shop.close();
        }
      }

      // Every page: nothing wider than a phone's screen on the phone, and
      // the accessibility audit.
      for (const where of ['/console/assistants', '/console/assistants/pizza', '/console/assistants/pizza/tasks/order',
        '/console/assistants/pizza/field-types/Custom.SIZE', '/console/assistants/pizza/simulator', '/console/assistants/pizza/dialogues',
        '/console/assistants/pizza/queries', '/console/assistants/pizza/understanding', '/console/assistants/pizza/flow',
        '/console/assistants/pizza/tasks/order/delete', '/console/assistants/pizza/restore']) {
        await page.goto(base + where);
        const problems = await audit(page);
        check(problems.length === 0, where + ' (' + name + '): ' + problems.join('; '));
        if (name === 'phone') {
          const width = await page.evaluate(() => document.documentElement.scrollWidth);
          check(width <= 375, 'page width on a phone at ' + where + ': ' + width);
          await shot(where.split('/').slice(-1)[0]);
        }
      }
      // Keyboard: Tab reaches the page's first link before anything else.
      await page.goto(base + '/console/assistants/pizza');
      await page.keyboard.press('Tab');
      check(await page.evaluate(() => document.activeElement?.tagName === 'A'), 'Tab focuses a link first');

      // Sign out.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL('**/console/signin');
      await context.close();
    }
  } finally {
    await browser.close();
  }
  console.log('ok');
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
