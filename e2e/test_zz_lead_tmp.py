from e2e.journey import PEOPLE_BY_KEY, start, identify, choose, welcome, tap_and_wait, action, setting, main
def test_shot(open_page):
    page = open_page("landscape")
    welcome(page); start(page)
    identify(page, PEOPLE_BY_KEY["age56"])
    choose(page, "disability", "amount")
    tap_and_wait(page, action(page, "next"), "documents")
    tap_and_wait(page, action(page, "next"), "review")
    tap_and_wait(page, setting(page, "jv"))
    page.screenshot(path="/tmp/lead-review-jv.png")
    print(page.evaluate("() => [...document.querySelectorAll('main .screen > *, main .review-layout > *, main .review-send > *')].map(e => [e.className || e.tagName, Math.round(e.getBoundingClientRect().top), Math.round(e.getBoundingClientRect().bottom)])"))
