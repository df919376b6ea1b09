package dev.microposts.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microposts.support.Browser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two people use MicroPosts in two real browsers (headless Chromium), through the web client at
 * {@code /} of the public entry point and nothing else: they sign up (and see the field errors of
 * a bad sign-up), follow each other, post, see each other's microposts arrive without reloading,
 * edit, delete, search, page, and read their mentions. The same journey runs against every
 * topology the subclasses give.
 */
abstract class WebClientJourney {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** The public base URL, e.g. {@code http://127.0.0.1:8080}. */
    protected abstract String baseUrl();

    /** The topology's name, in the screenshots' names. */
    protected abstract String topology();

    @Test
    void theClientIsServedWithAStrictContentSecurityPolicyAndTheApiStaysAsItWas() throws Exception {
        HttpResponse<String> page = get("/", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(policy)
                .contains("default-src 'self'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline", "unsafe-eval", "http:", "https:", "*");
        // no inline script, and no asset of another origin in the page itself
        assertThat(page.body()).doesNotContainPattern("<script(?![^>]*\\bsrc=\"/assets/)");
        assertThat(page.body()).doesNotContain("//", "onload=", "onclick=");
        HttpResponse<String> script = get("/assets/app.js", null);
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type").orElseThrow()).contains("javascript");
        assertThat(script.body()).doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write");
        // unknown paths are still the API's problem+json 404
        HttpResponse<String> unknown = get("/api/nothing-here", null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type").orElseThrow()).isEqualTo("application/problem+json");
        assertThat(get("/assets/nothing-here.js", null).statusCode()).isEqualTo(404);
    }

    @Test
    void twoPeopleSignUpFollowEachOtherPostAndSeeEachOthersMicropostsArrive() throws Exception {
        String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(1 << 24), 36);
        String alice = "alice_" + suffix;
        String bob = "bob_" + suffix;
        String password = "correct horse battery";
        try (Browser a = Browser.start();
                Browser b = Browser.start()) {
            // a bad sign-up: every field error beside its field, tied to it for screen readers
            a.open(baseUrl() + "/");
            a.await("#signin-username");
            a.screenshot(topology() + "-sign-in");
            a.find("a[href='#/signup']").click();
            a.type("#signup-username", "Alice!");
            a.type("#signup-password", "short");
            a.find("#signup button[type=submit]").click();
            WebElement usernameError = a.await("#signup-username-error");
            assertThat(usernameError.getText()).startsWith("Username ");
            assertThat(a.await("#signup-password-error").getText()).startsWith("Password ");
            assertThat(a.find("#signup-username").getAttribute("aria-invalid")).isEqualTo("true");
            assertThat(a.find("#signup-username").getAttribute("aria-describedby"))
                    .contains("signup-username-error");
            assertThat(a.find("label[for=signup-username]").getText()).isEqualTo("Username");
            a.screenshot(topology() + "-sign-up-errors");

            signUp(a, alice, password);
            signUp(b, bob, password);
            // the token lives in this tab's sessionStorage only: no cookie, nothing in localStorage
            var state = a.sessionState();
            assertThat(state.get("session").toString()).contains("microposts.session");
            assertThat(state.get("local").toString()).isEqualTo("[]");
            assertThat(state.get("cookies")).isEqualTo("");

            // they follow each other from each other's page
            follow(a, bob);
            follow(b, alice);
            a.find("a[href='#/users/" + bob + "/followers']").click();
            a.await(10, "alice among bob's followers", d -> text(d.findElements(By.cssSelector(".person")))
                    .contains("@" + alice));

            // the composer counts code points, as the API does: é is one, an emoji is one
            a.open(baseUrl() + "/#/");
            a.type("#compose-text", "héllo 😀");
            assertThat(a.find("#compose .count").getText()).isEqualTo("7 / 255");
            a.type("#compose-text", "x".repeat(256));
            assertThat(a.find("#compose .count").getText()).isEqualTo("256 / 255");
            assertThat(a.find("#compose .count").getAttribute("class")).contains("over");
            // the API's error beside the text
            a.find("#compose button[type=submit]").click();
            assertThat(a.await("#compose-text-error").getText()).isEqualTo("Text must be 1 to 255 characters long.");
            a.type("#compose-text", "   ");
            a.find("#compose button[type=submit]").click();
            a.await(10, "the whitespace error", d -> d.findElement(By.id("compose-text-error"))
                    .getText()
                    .equals("Text must contain a character that is not whitespace."));
            // the mention picker offers the people alice follows and who follow her
            a.await(
                    10,
                    "bob in the mention picker",
                    d -> d.findElements(By.cssSelector("#compose-people option")).stream()
                            .anyMatch(option -> bob.equals(option.getAttribute("value"))));
            a.type("#compose-referenced", "nobody_" + suffix);
            a.await(10, "the picker's check", d -> d.findElement(By.id("compose-referenced-check"))
                    .getText()
                    .startsWith("There is no user named"));
            a.type("#compose-text", "about something");
            a.find("#compose button[type=submit]").click();
            assertThat(a.await("#compose-referenced-error").getText()).startsWith("Referenced ");

            // bob's timeline is open and is not reloaded: alice's micropost arrives by itself
            b.open(baseUrl() + "/#/");
            b.await("#compose-text");
            b.script("window.stillTheSamePage = true");
            String hello = "Hi " + bob + " <b>not bold</b> <img src=x onerror=alert(1)> 😀";
            a.type("#compose-text", hello);
            a.type("#compose-referenced", bob);
            a.find("#compose button[type=submit]").click();
            WebElement arrived = b.await(
                    15, "alice's micropost on bob's timeline", d -> d.findElements(By.cssSelector(".post")).stream()
                            .filter(post -> post.getText().contains("not bold"))
                            .findFirst()
                            .orElse(null));
            assertThat(b.script("return window.stillTheSamePage")).isEqualTo(true);
            // rendered as text, never as HTML
            assertThat(arrived.findElement(By.cssSelector(".text")).getText()).isEqualTo(hello);
            assertThat(arrived.findElements(By.cssSelector(".text *"))).isEmpty();
            assertThat(arrived.findElement(By.cssSelector(".author")).getText()).isEqualTo("@" + alice);
            assertThat(arrived.findElement(By.cssSelector(".mention")).getText())
                    .isEqualTo("@" + bob);
            assertThat(arrived.findElements(By.cssSelector(".edit"))).isEmpty();
            // and bob's micropost reaches alice's open timeline
            b.type("#compose-text", "Hello " + alice + ", from bob");
            b.find("#compose button[type=submit]").click();
            a.await(15, "bob's micropost on alice's timeline", d -> text(d.findElements(By.cssSelector(".post .text")))
                    .contains("Hello " + alice + ", from bob"));
            a.screenshot(topology() + "-timeline");

            // alice edits hers; bob sees the edit without reloading
            WebElement mine = postWithText(a, "not bold");
            String id = mine.getAttribute("data-key");
            mine.findElement(By.cssSelector(".edit")).click();
            a.type("#edit-" + id + "-text", "Hi " + bob + ", edited");
            a.find("#edit-" + id + " button[type=submit]").click();
            a.await(10, "the edited text", d -> text(d.findElements(By.cssSelector(".post .text")))
                    .contains("Hi " + bob + ", edited"));
            b.await(15, "the edit on bob's timeline", d -> text(d.findElements(By.cssSelector(".post .text")))
                    .contains("Hi " + bob + ", edited"));
            assertThat(b.script("return window.stillTheSamePage")).isEqualTo(true);

            // bob reads his mentions
            b.find("#nav a[href$='/mentions']").click();
            b.await(15, "alice's micropost in bob's mentions", d -> text(d.findElements(By.cssSelector(".post .text")))
                    .contains("Hi " + bob + ", edited"));
            b.screenshot(topology() + "-mentions");

            // alice deletes it, after confirming; it leaves bob's mentions too
            mine = postWithText(a, "edited");
            mine.findElement(By.cssSelector(".delete")).click();
            a.await(".confirm-delete").click();
            a.await(10, "the deleted micropost gone", d -> !text(d.findElements(By.cssSelector(".post .text")))
                    .contains("Hi " + bob + ", edited"));
            b.await(15, "the deleted micropost gone from bob's mentions", d -> !text(d.findElements(
                            By.cssSelector(".post .text")))
                    .contains("Hi " + bob + ", edited"));
            assertThat(get("/api/users/" + alice + "/collection/" + id, null).statusCode())
                    .isEqualTo(404);

            // paging and search on alice's page: 23 more microposts, 7 of them with a needle
            String token = token(alice, password);
            for (int i = 1; i <= 23; i++) {
                String text = (i % 3 == 0 ? "a NeEdLe in number " : "number ") + i;
                assertThat(post("/api/users/" + alice + "/collection", token, "{\"text\":\"" + text + "\"}")
                                .statusCode())
                        .isEqualTo(201);
            }
            List<Long> all = walk("/api/users/" + alice + "/collection?limit=100");
            assertThat(all).hasSize(23);
            a.find("#nav a[href='#/users/" + alice + "']").click();
            a.await(
                    10,
                    "the first page",
                    d -> d.findElements(By.cssSelector(".post")).size() == 20);
            a.screenshot(topology() + "-user-page");
            a.await("button.more").click();
            a.await(
                    10,
                    "the second page",
                    d -> d.findElements(By.cssSelector(".post")).size() == 23);
            assertThat(shownIds(a)).isEqualTo(all);
            assertThat(a.find("button.more").isDisplayed()).isFalse();
            a.type("#search-search", "needle");
            a.find("form[role=search] button[type=submit]").click();
            a.await(
                    10,
                    "the search results",
                    d -> d.findElements(By.cssSelector(".post")).size() == 7);
            assertThat(text(a.findAll(".post .text"))).allMatch(text -> text.startsWith("a NeEdLe in number"));
            a.type("#search-search", "no such words");
            a.find("form[role=search] button[type=submit]").click();
            a.await(10, "no result", d -> d.findElement(By.cssSelector(".list-status"))
                    .getText()
                    .contains("contains"));

            // bob unfollows alice
            b.open(baseUrl() + "/#/users/" + alice);
            b.await(10, "the unfollow button", d -> d.findElement(By.cssSelector(".follow-button"))
                    .getText()
                    .equals("Unfollow @" + alice));
            b.find(".follow-button").click();
            b.await(10, "the follow button", d -> d.findElement(By.cssSelector(".follow-button"))
                    .getText()
                    .equals("Follow @" + alice));
            assertThat(get("/api/users/" + alice + "/followers", null).body()).doesNotContain(bob);

            // a phone-sized screen: nothing wider than the screen
            b.size(390, 844);
            b.open(baseUrl() + "/#/");
            b.await("#compose-text");
            b.await(10, "the timeline", d -> !d.findElements(By.cssSelector(".post"))
                    .isEmpty());
            assertThat((Long) b.script("return document.documentElement.scrollWidth - window.innerWidth"))
                    .isLessThanOrEqualTo(0L);
            b.screenshot(topology() + "-phone");

            // keyboard only: sign out, then sign in with Tab, typing and Enter
            a.find("#sign-out").click();
            a.await("#signin-username");
            a.script("document.querySelector('.skip').focus()");
            a.driver().switchTo().activeElement().sendKeys(Keys.ENTER);
            assertThat(a.script("return document.activeElement.id")).isEqualTo("main");
            a.driver().switchTo().activeElement().sendKeys(Keys.TAB);
            assertThat(a.script("return document.activeElement.id")).isEqualTo("signin-username");
            a.driver().switchTo().activeElement().sendKeys(alice, Keys.TAB, password, Keys.ENTER);
            a.await(10, "alice signed in", d -> d.findElement(By.id("sign-out"))
                    .getText()
                    .equals("Sign out " + alice));

            // no Content-Security-Policy violation and no script error in either browser
            for (Browser browser : List.of(a, b)) {
                assertThat(browser.consoleMessages())
                        .noneMatch(line -> line.contains("Content Security Policy")
                                || line.contains("Uncaught")
                                || line.contains("app.js"));
            }
        }
    }

    private void signUp(Browser browser, String username, String password) {
        browser.open(baseUrl() + "/#/signup");
        browser.type("#signup-username", username);
        browser.type("#signup-password", password);
        browser.find("#signup button[type=submit]").click();
        browser.await(15, username + " signed in", d -> d.findElements(By.id("sign-out")).stream()
                .anyMatch(out -> out.getText().equals("Sign out " + username)));
        browser.await("#compose-text");
    }

    private void follow(Browser browser, String whom) {
        browser.open(baseUrl() + "/#/users/" + whom);
        browser.await(10, "the follow button", d -> d.findElements(By.cssSelector(".follow-button")).stream()
                .anyMatch(button -> button.isEnabled() && button.getText().equals("Follow @" + whom)));
        browser.find(".follow-button").click();
        browser.await(10, "following " + whom, d -> d.findElement(By.cssSelector(".follow-button"))
                .getText()
                .equals("Unfollow @" + whom));
    }

    private static WebElement postWithText(Browser browser, String part) {
        return browser.await(10, "a micropost with " + part, d -> d.findElements(By.cssSelector(".post")).stream()
                .filter(post ->
                        post.findElement(By.cssSelector(".text")).getText().contains(part))
                .findFirst()
                .orElse(null));
    }

    private static List<Long> shownIds(Browser browser) {
        return browser.findAll(".post").stream()
                .map(post -> Long.parseLong(post.getAttribute("data-key")))
                .toList();
    }

    private static List<String> text(List<WebElement> elements) {
        List<String> texts = new ArrayList<>();
        for (WebElement element : elements) {
            try {
                texts.add(element.getText());
            } catch (org.openqa.selenium.StaleElementReferenceException replaced) {
                // replaced by the next refresh: the next poll of the wait sees the new one
            }
        }
        return texts;
    }

    // ------------------------------------------------------------------ the API, for setting up

    private String token(String username, String password) throws Exception {
        HttpResponse<String> response =
                post("/api/token", null, "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}");
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body()).path("token").asString();
    }

    /** Every id of a list, following its Link headers. */
    private List<Long> walk(String path) throws Exception {
        List<Long> ids = new ArrayList<>();
        String url = baseUrl() + path;
        Pattern next = Pattern.compile("<([^>]+)>;\\s*rel=\"next\"");
        while (url != null) {
            HttpResponse<String> page =
                    HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
            for (JsonNode item : JSON.readTree(page.body())) {
                ids.add(item.path("id").asLong());
            }
            Matcher link = next.matcher(page.headers().firstValue("Link").orElse(""));
            url = link.find() ? link.group(1) : null;
        }
        return ids;
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
