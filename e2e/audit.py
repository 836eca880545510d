"""The audit's checks of one rendered screen, each returning its findings as plain lines.

Independent of the walk (e2e/test_audit.py): axe-core and HTML_CodeSniffer (two checkers from the
npm registry, pinned in package-lock.json), text contrast computed from the rendered styles,
target sizes and gaps, overflow, untranslated strings, and whether the screen speaks.
"""
from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

from playwright.sync_api import Page

from e2e.journey import ROOT

HTMLCS_SCRIPT = ROOT / "node_modules" / "html_codesniffer" / "build" / "HTMLCS.js"
MIN_CONTRAST = 7.0  # WCAG 1.4.6 (AAA), for every participant text, large or not
MIN_TARGET = 64  # CSS px, both sides (KIOSK-UX.md)
MIN_GAP = 8  # CSS px between neighbouring targets

# HTML_CodeSniffer's checks that cannot apply to a kiosk screen, each with its reason.
HTMLCS_NOT_APPLICABLE = {
    # "Check that the title element describes the document": an instruction to a person; the
    # titles are checked by axe (document-title) and by the screens' tests.
}

# --- HTML_CodeSniffer --------------------------------------------------------------------------

HTMLCS_RUN = """standard => new Promise(resolve => {
  HTMLCS.process(standard, document, () => {
    const shown = el => !el || el === document || !(el instanceof Element)
      || el.closest('dialog:not([open]), [hidden]') === null;
    resolve(HTMLCS.getMessages().filter(m => m.type === HTMLCS.ERROR && shown(m.element))
      .map(m => ({code: m.code, msg: m.msg,
                  html: m.element && m.element.outerHTML ? m.element.outerHTML.slice(0, 160) : ''})));
  }, () => resolve([{code: 'HTMLCS.failed', msg: 'HTML_CodeSniffer did not run', html: ''}]));
})"""


def htmlcs_errors(page: Page, standard: str) -> list[str]:
    """HTML_CodeSniffer's errors (not its warnings or notices) for WCAG2AA or WCAG2AAA."""
    if not page.evaluate("() => typeof window.HTMLCS === 'object'"):
        if not HTMLCS_SCRIPT.exists():
            raise AssertionError(f"{HTMLCS_SCRIPT} is missing: run scripts/vendor.sh (npm ci)")
        page.add_script_tag(path=str(HTMLCS_SCRIPT))
    found = page.evaluate(HTMLCS_RUN, standard)
    return [f"HTMLCS {m['code']}: {m['msg']}  {m['html']}" for m in found
            if not any(m["code"].endswith(code) for code in HTMLCS_NOT_APPLICABLE)]


# --- contrast from the rendered styles -------------------------------------------------------

CONTRAST_JS = """minimum => {
  const parse = c => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const over = (top, under) => ({r: top.r * top.a + under.r * (1 - top.a),
    g: top.g * top.a + under.g * (1 - top.a), b: top.b * top.a + under.b * (1 - top.a), a: 1});
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  // The colour behind an element: its own and its ancestors' backgrounds, composited; null when
  // an image or gradient lies behind it (then nothing can be computed from styles alone).
  const behind = el => { const layers = [];
    for (let e = el; e; e = e.parentElement) { const s = getComputedStyle(e);
      if (s.backgroundImage && s.backgroundImage !== 'none') return null;
      const c = parse(s.backgroundColor); if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; } }
    let colour = {r: 255, g: 255, b: 255, a: 1};
    for (const layer of layers.reverse()) colour = over(layer, colour);
    return colour; };
  const shown = el => { const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && parseFloat(s.opacity) > 0
      && !el.closest('dialog:not([open]), [hidden], .visually-hidden, [aria-disabled="true"], :disabled'); };
  const found = []; const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || !el || seen.has(el) || !shown(el)) continue;
    if (el.closest('script, style, noscript, svg title')) continue;
    seen.add(el);
    const s = getComputedStyle(el); const fg = parse(s.color); const bg = behind(el);
    if (!fg || !bg) continue;
    const r = ratio(over(fg, bg), bg);
    if (r < minimum) found.push({text: n.textContent.trim().slice(0, 60), ratio: Math.round(r * 100) / 100,
      color: s.color, tag: el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : '')});
  }
  return found;
}"""


def low_contrast(page: Page, minimum: float = MIN_CONTRAST) -> list[str]:
    """Text whose colour against what lies behind it is below `minimum`:1."""
    return [f"contrast {f['ratio']}:1 < {minimum}:1: {f['text']!r} ({f['tag']}, {f['color']})"
            for f in page.evaluate(CONTRAST_JS, minimum)]


# --- targets -----------------------------------------------------------------------------------

TARGETS_JS = """() => {
  const shown = el => { const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'
      && !el.closest('dialog:not([open]), [hidden]'); };
  // What a finger can touch of a target now: how far, along its middle row and column, the
  // target itself is hit, so the part scrolled out of the content's view or lying under the
  // sticky main action does not count. null when none of it can be touched. A scan every 12 px
  // (every 2 px for a sliver) finds it; each edge is then narrowed to 1.5 px, rounded outwards,
  // so a gap is never measured wider than it is.
  const hits = (el, x, y) => { if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) return false;
    const hit = document.elementFromPoint(x, y); return !!hit && (hit === el || el.contains(hit)); };
  const scan = (from, to, at, step) => { let first = null, last = null;
    for (let v = from + 0.5; v < to; v += step) if (at(v)) { if (first === null) first = v; last = v; }
    return first === null ? null : [first, last]; };
  const extent = (from, to, at) => {
    let step = 12, found = scan(from, to, at, step);
    if (!found) { step = 2; found = scan(from, to, at, step); }
    if (!found) return null;
    let [miss, hit] = [Math.max(from, found[0] - step), found[0]];
    while (hit - miss > 1.5) { const mid = (miss + hit) / 2; if (at(mid)) hit = mid; else miss = mid; }
    const start = miss;
    [hit, miss] = [found[1], Math.min(to, found[1] + step)];
    while (miss - hit > 1.5) { const mid = (miss + hit) / 2; if (at(mid)) hit = mid; else miss = mid; }
    // One pixel more each way: the browser hit-tests whole pixels.
    return [Math.max(from, start - 1), Math.min(to, miss + 1)]; };
  const touchable = (el, r) => {
    const cx = (r.left + r.right) / 2, cy = (r.top + r.bottom) / 2;
    const ys = extent(r.top, r.bottom, y => hits(el, cx, y));
    const xs = extent(r.left, r.right, x => hits(el, x, ys ? (ys[0] + ys[1]) / 2 : cy));
    return ys && xs ? {left: xs[0], right: xs[1], top: ys[0], bottom: ys[1]} : null; };
  const dialog = document.querySelector('dialog[open]');
  const scope = dialog ? [dialog] : [document.body];
  const all = scope.flatMap(root => [...root.querySelectorAll(
    'button, a[href], input:not([type=hidden]), select, textarea, [role=button], summary')]);
  return all.filter(shown).filter(el => !el.closest('.skip-link') && !el.matches('.skip-link'))
    .filter(el => !(el.tagName === 'INPUT' && el.readOnly))
    .map(el => { const r = el.getBoundingClientRect();
      return {name: (el.innerText || el.getAttribute('aria-label') || el.value || '').replace(/\\s+/g, ' ').trim().slice(0, 40),
              hook: el.dataset.action || el.dataset.key || el.dataset.choice || '',
              keypad: !!el.closest('[data-keypad]'), touch: touchable(el, r),
              left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height}; });
}"""

# The content's scroll positions to check: from the top, half a view at a time, to the end.
SCROLL_JS = """(step) => {
  const screen = document.querySelector('main > .screen');
  if (!screen || document.querySelector('dialog[open]')) return false;
  if (step === 0) { screen.scrollTop = 0; return screen.scrollHeight > screen.clientHeight + 1; }
  const end = screen.scrollHeight - screen.clientHeight;
  if (screen.scrollTop >= end - 1) return false;
  screen.scrollTop = Math.min(end, screen.scrollTop + Math.max(1, screen.clientHeight / 2));
  return true;
}"""


def _gap(a: dict, b: dict) -> float:
    dx = max(0.0, b["left"] - a["right"], a["left"] - b["right"])
    dy = max(0.0, b["top"] - a["bottom"], a["top"] - b["bottom"])
    return max(dx, dy)


def _targets_now(page: Page) -> list[str]:
    targets = page.evaluate(TARGETS_JS)
    # Its size whole (a target partly out of view is whole once scrolled to); its gaps by what
    # can be touched now (measured to 1.5 px, rounded outwards: a gap is never measured wider).
    found = [f"target {t['name']!r}[{t['hook']}] is {t['width']:.0f} x {t['height']:.0f} px"
             for t in targets if t["width"] < MIN_TARGET - 0.5 or t["height"] < MIN_TARGET - 0.5]
    touchable = [t for t in targets if t["touch"]]
    found += [f"targets {a['name']!r}[{a['hook']}] and {b['name']!r}[{b['hook']}] are "
              f"{_gap(a['touch'], b['touch']):.0f} px apart"
              for a, b in combinations(touchable, 2)
              if _gap(a["touch"], b["touch"]) < MIN_GAP - 0.5]
    return found


def small_targets(page: Page) -> list[str]:
    """Targets under 64 x 64 CSS px, or closer than 8 px to another where a finger can touch
    them (the open dialog's alone when one is open: what is behind it cannot be touched). When
    the content scrolls (150 % text), at every half view from its top to its end; it is left at
    the top."""
    scrolls = page.evaluate(SCROLL_JS, 0)
    found = _targets_now(page)
    while scrolls and page.evaluate(SCROLL_JS, 1):
        found += [line for line in _targets_now(page) if line not in found]
    page.evaluate(SCROLL_JS, 0)
    return found


# --- overflow: what fits, what is in view and within reach, what lies over what --------------

# The mounting README assumes: a 27" 16:9 panel in portrait (1080 x 1920 px on 336 x 598 mm,
# 0.311 mm a pixel) with its bottom edge 670 mm above the floor. A point y px from the top is
# 670 + (1920 - y) * 0.311 mm high; ADA 308.2.1's 1,220 mm is reached at y = 153.
PANEL_MM = 27 * 25.4 * 16 / (16 ** 2 + 9 ** 2) ** 0.5  # the long side: 597.7 mm
BOTTOM_EDGE_MM = 670
HIGH_REACH_MM = 1220
REACH_LINE_PX = 1920 - (HIGH_REACH_MM - BOTTOM_EDGE_MM) / (PANEL_MM / 1920)
MIN_BASE_FONT = 28  # CSS px, portrait at 100 % (KIOSK-UX.md)

OVERFLOW_JS = """() => {
  const doc = document.scrollingElement, screen = document.querySelector('main > .screen');
  const visible = el => { const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
  // In view: inside the window and, for what is in the content, inside its scrollport; and not
  // covered (the element itself is what a finger at its centre touches).
  const inView = el => {
    const r = el.getBoundingClientRect();
    let box = {top: 0, left: 0, bottom: innerHeight, right: innerWidth};
    if (screen && screen.contains(el)) {
      const p = screen.getBoundingClientRect();
      box = {top: Math.max(0, p.top), left: Math.max(0, p.left),
             bottom: Math.min(innerHeight, p.bottom), right: Math.min(innerWidth, p.right)};
    }
    const inside = r.top >= box.top - 1 && r.left >= box.left - 1 && r.bottom <= box.bottom + 1
      && r.right <= box.right + 1;
    const hit = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
    return inside && !!hit && (hit === el || el.contains(hit));
  };
  // What a hand needs: the screen's main action, Back / Start over, the toolbar (Call staff);
  // while a dialog is open (the idle warning), its answer.
  const dialog = document.querySelector('dialog[open]');
  const controls = dialog ? [...dialog.querySelectorAll('button[data-action]')].filter(visible)
      .slice(0, 1).map(el => ({what: el.dataset.action, el}))
    : [...[...document.querySelectorAll('main .button--big')].filter(visible)
         .map(el => ({what: 'main action ' + (el.dataset.action || el.textContent.trim()), el})),
       ...[...document.querySelectorAll('main .step-nav button, .toolbar button')].filter(visible)
         .map(el => ({what: el.dataset.action, el}))];
  // A field too narrow for what is typed in it: the number a person typed is cut off.
  const clipped = [...document.querySelectorAll('main input:not([type=hidden])')]
    .filter(el => el.getBoundingClientRect().width > 0 && el.scrollWidth > el.clientWidth + 1)
    .map(el => `${el.id || el.name} (${el.scrollWidth} px in ${el.clientWidth})`);
  // A button whose words are wider than itself (a long word that cannot wrap), or that breaks a
  // word over two lines ("Septembe / r": one piece of the word on each line).
  const buttons = [...document.querySelectorAll('main button, .toolbar button, dialog[open] button')]
    .filter(visible);
  const spillingButtons = buttons.filter(el => el.scrollWidth > el.clientWidth + 1)
    .map(el => `${el.dataset.action || el.textContent.trim()} (${el.scrollWidth} px in ${el.clientWidth})`);
  const brokenWords = [];
  for (const el of buttons) {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode())
      for (const m of n.textContent.matchAll(/[^\\s\\u00ad-]+/g)) {
        const range = document.createRange();
        range.setStart(n, m.index); range.setEnd(n, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].filter(r => r.width > 0)
          .map(r => Math.round(r.top)));
        if (tops.size > 1) brokenWords.push(`'${m[0]}' in ${el.dataset.action || el.dataset.choice || el.textContent.trim()}`);
      }
  }
  // What lies over what: words that run out of their box (a box squeezed under its content),
  // and boxes in the flow that overlap a sibling (a picture over the advice). Positioned boxes
  // (the sticky main action's band, overlays) are laid over on purpose and are not counted.
  const shown = el => { const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden'; };
  const inFlow = el => getComputedStyle(el).position === 'static' && shown(el);
  const name = el => (el.dataset.testid || el.dataset.action || el.className || el.tagName)
    + ` '${el.textContent.trim().slice(0, 30)}'`;
  const boxes = [...document.querySelectorAll('main *')]
    .filter(el => getComputedStyle(el).display !== 'contents' && !el.closest('svg, audio, video, dialog'));
  const spilling = boxes.filter(el => inFlow(el) && getComputedStyle(el).overflowY === 'visible'
      && getComputedStyle(el).display !== 'inline' && el.scrollHeight > el.clientHeight + 2
      && [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
    .map(el => `${name(el)} (${el.scrollHeight} px of words in ${el.clientHeight})`);
  const overlapping = [];
  // Something to see: words, a picture, a control (an empty box, such as the poll's, is nothing).
  const seen = el => el.textContent.trim() || el.matches('img, svg, video, canvas, input, button')
    || el.querySelector('img, svg, video, canvas, input, button');
  const flowKids = parent => [...parent.children].flatMap(el =>
    getComputedStyle(el).display === 'contents' ? flowKids(el) : [el])
    .filter(el => inFlow(el) && seen(el));
  // A box split over columns (the receipt at 100 %) is each of its pieces, not their union.
  const pieces = el => [...el.getClientRects()].filter(r => r.width > 0 && r.height > 0);
  for (const parent of new Set(boxes.map(el => el.parentElement))) {
    const kids = flowKids(parent), rects = kids.map(pieces);
    for (let i = 0; i < kids.length; i++) for (let j = i + 1; j < kids.length; j++) {
      const worst = rects[i].flatMap(a => rects[j].map(b => [
        Math.min(a.right, b.right) - Math.max(a.left, b.left),
        Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top)]))
        .filter(([x, y]) => x > 2 && y > 2)[0];
      if (worst) overlapping.push(`${name(kids[i])} and ${name(kids[j])} (${Math.round(worst[0])} x ${Math.round(worst[1])} px)`);
    }
  }
  return {page: [doc.scrollWidth, doc.scrollHeight], window: [innerWidth, innerHeight],
          content: screen ? [screen.scrollWidth, screen.clientWidth, screen.scrollHeight,
                             screen.clientHeight] : null,
          clipped, spillingButtons, brokenWords, spilling, overlapping,
          controls: controls.map(c => ({what: c.what, inView: inView(c.el),
                                        top: c.el.getBoundingClientRect().top})),
          // Every button a hand may need, and how high up the highest one is.
          highest: [...document.querySelectorAll('main button, .toolbar button')].filter(visible)
            .map(el => ({what: el.dataset.action || el.dataset.choice || el.dataset.key
                               || el.textContent.trim(), top: el.getBoundingClientRect().top}))
            .sort((a, b) => a.top - b.top)[0] || null,
          base: parseFloat(getComputedStyle(document.body).fontSize)};
}"""


def fit(page: Page) -> dict:
    """How the screen as it shows now fits (OVERFLOW_JS): what overflow() judges."""
    return page.evaluate(OVERFLOW_JS)


def overflow(page: Page, text_size: int, orientation: str, size: dict | None = None) -> list[str]:
    """Nothing ever scrolls sideways; at 100 and 125 % nothing scrolls at all, neither the page
    nor the content; at 150 % only the content may. The main action, Back / Start over and the
    toolbar (Call staff) are in view and uncovered at every size. Nothing lies over anything
    else: no words run out of their box or their button, no word in a button is broken over two
    lines, no box in the flow covers its sibling,
    no field cuts off what is typed. In portrait every button is below the reach line (ADA 308:
    1,220 mm; README, "The screen and where it is mounted"), and at 100 % the body text is at
    least 28 px. `size`: fit(page), when the caller has it already."""
    size = size or fit(page)
    found = []
    (page_width, page_height), (width, height) = size["page"], size["window"]
    if page_width > width:
        found.append(f"overflow: the page is {page_width} px wide in a {width} px window")
    if text_size < 150 and page_height > height:
        found.append(f"overflow: the page is {page_height} px tall in a {height} px window")
    if size["content"]:
        scroll_width, client_width, scroll_height, client_height = size["content"]
        if scroll_width > client_width + 1:
            found.append(f"overflow: the content scrolls sideways ({scroll_width} px in "
                         f"{client_width})")
        if text_size < 150 and scroll_height > client_height + 1:
            found.append(f"overflow: the content scrolls ({scroll_height} px in {client_height})")
    found += [f"overflow: the field {field} cuts off what is typed" for field in size["clipped"]]
    found += [f"overflow: the words of {button} spill out of it"
              for button in size["spillingButtons"]]
    found += [f"overflow: the word {word} is broken over two lines"
              for word in size["brokenWords"]]
    found += [f"overlap: the words of {box} run out of it" for box in size["spilling"]]
    found += [f"overlap: {pair} lie over each other" for pair in size["overlapping"]]
    found += [f"overflow: {control['what']} is out of view or covered"
              for control in size["controls"] if not control["inView"]]
    highest = size["highest"]
    if orientation == "portrait" and highest and highest["top"] < REACH_LINE_PX:
        found.append(f"reach: {highest['what']} is at y={highest['top']:.0f}, above the reach "
                     f"line (y={REACH_LINE_PX:.0f})")
    if orientation == "portrait" and text_size == 100 and size["base"] < MIN_BASE_FONT:
        found.append(f"text: the body text is {size['base']} px")
    return found


# --- untranslated strings ---------------------------------------------------------------------

TEXTS_JS = """() => {
  const texts = [];
  // Words marked as Indonesian on purpose (the language's own name) are not untranslated.
  const marked = el => { const own = el.closest('[lang]');
    return own && own !== document.documentElement && own.lang === 'id'; };
  const shown = el => !el.closest('dialog:not([open]), [hidden], script, style') && !marked(el);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode())
    if (n.parentElement && shown(n.parentElement) && n.textContent.trim()) texts.push(n.textContent.trim());
  for (const el of document.querySelectorAll('[aria-label], [alt], [title]'))
    if (shown(el)) for (const name of ['aria-label', 'alt', 'title'])
      if (el.getAttribute(name)) texts.push(el.getAttribute(name).trim());
  const voice = document.querySelector('main audio[data-voice]');
  if (voice && voice.dataset.text) texts.push(...voice.dataset.text.split(/(?<=[.?!])\\s+/));
  return texts;
}"""


def untranslated(page: Page, catalogue: dict[str, str]) -> list[str]:
    """Indonesian source strings shown (or spoken) on a screen in another language: each text
    that IS a message id whose translation differs from it."""
    pending = {msgid for msgid, words in catalogue.items()
               if words and words != msgid and len(msgid) > 3 and "%(" not in msgid}
    shown = page.evaluate(TEXTS_JS)
    return sorted({f"untranslated: {text!r}" for text in shown if text in pending})


# --- the voice ---------------------------------------------------------------------------------

SPOKEN_JS = """() => {
  const main = document.querySelector('main');
  const voice = main && main.querySelector('audio[data-voice]');
  return {voice: voice ? (voice.dataset.text || '') : null,
          choices: [...document.querySelectorAll('main [data-choice]')].map(c => ({
            code: c.dataset.choice,
            said: (window.KioskVoice && window.KioskVoice.clipFor(c)) || null,
            text: (c.innerText || '').replace(/\\s+/g, ' ').trim()}))};
}"""


def unspoken(page: Page) -> list[str]:
    """A participant screen says what it is (a prompt), and every choice on it is spoken: in the
    prompt's words, or by a clip of its own (voice.js: read after the prompt, said when touched
    or focused)."""
    page.wait_for_function("() => !window.KioskVoice || window.KioskVoice.ready()", timeout=10_000)
    spoken = page.evaluate(SPOKEN_JS)
    if not spoken["voice"]:
        return ["voice: the screen has no spoken prompt"]
    return [f"voice: the choice {c['code']!r} ({c['text']!r}) is not spoken"
            for c in spoken["choices"] if not c["said"] and c["text"] not in spoken["voice"]]


def save_findings(path: Path, findings: dict[str, list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(findings, indent=1, ensure_ascii=False))
