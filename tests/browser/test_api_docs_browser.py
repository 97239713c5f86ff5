"""/api/v1/docs renders its operations with no request leaving the site (issue 15, problem 6):
every request to a host other than the live server is refused and recorded, in French and in
English."""

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.django_db(transaction=True)
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}


@pytest.mark.parametrize(("locale", "lang"), [("fr-FR", "fr"), ("en-GB", "en")])
def test_api_docs_render_the_operations_offline(browser, live_server, locale, lang):
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    outside, console = [], []

    def only_this_site(route):
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_this_site)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("console", lambda message: console.append(message.text))
    try:
        response = page.goto(live_server.url + "/api/v1/docs")
        assert response.status == 200
        assert page.locator("html").get_attribute("lang") == lang
        assert page.locator("h1").first.inner_text().strip()
        # Swagger UI drew the operations it read from our own OpenAPI document.
        page.wait_for_selector(".opblock-summary-path")
        paths = page.locator(".opblock-summary-path").all_inner_texts()
        assert len(paths) >= 10
        assert any(path.strip().startswith("/api/v1/organisations") for path in paths)
        assert page.locator(".opblock-tag").count() >= 1
        assert page.locator(".api-intro a[href='/api/v1/openapi.json']").count() == 1
    finally:
        context.close()
    assert outside == [], outside
    assert not [text for text in console if "Content Security Policy" in text]
