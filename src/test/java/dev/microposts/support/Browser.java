package dev.microposts.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium for the browser tests, driven through the system's chromedriver
 * (Debian's {@code chromium} and {@code chromium-driver} packages, which {@code .ci/run}
 * installs). Each browser has a fresh profile, so two of them are two people.
 *
 * <p>Without Chromium the tests fail with a message saying what to install, unless
 * {@code -Dbrowser.tests=skip} is given (CI never does): a browser test that cannot
 * run never passes silently.
 */
public final class Browser implements AutoCloseable {

    /** Where the browser tests write their screenshots. */
    public static final Path SCREENSHOTS = Path.of("target", "browser-screenshots");

    private static final String CHROMIUM = System.getProperty("browser.chromium", "/usr/bin/chromium");
    private static final String CHROMEDRIVER = System.getProperty("browser.chromedriver", "/usr/bin/chromedriver");

    private final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** A new browser with its own empty profile, 1280×900. */
    public static Browser start() {
        boolean present = Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER));
        if (!present) {
            String message = "The browser tests need Chromium and its driver at " + CHROMIUM + " and " + CHROMEDRIVER
                    + ": install them with `apt-get install -y chromium chromium-driver` (Debian; .ci/run does),"
                    + " or point -Dbrowser.chromium and -Dbrowser.chromedriver at them;"
                    + " -Dbrowser.tests=skip skips these tests instead.";
            Assumptions.assumeFalse("skip".equals(System.getProperty("browser.tests")), message);
            throw new IllegalStateException(message);
        }
        try {
            Path profile = Files.createTempDirectory("microposts-chromium-");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM);
            options.addArguments(
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-dev-shm-usage",
                    "--window-size=1280,900",
                    "--user-data-dir=" + profile);
            LoggingPreferences logs = new LoggingPreferences();
            logs.enable(LogType.BROWSER, Level.ALL);
            options.setCapability("goog:loggingPrefs", logs);
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(Path.of(CHROMEDRIVER).toFile())
                    .usingAnyFreePort()
                    .withLogOutput(java.io.OutputStream.nullOutputStream())
                    .build();
            return new Browser(new ChromeDriver(service, options), profile);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    public WebDriver driver() {
        return driver;
    }

    public void open(String url) {
        driver.get(url);
    }

    public WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    public List<WebElement> findAll(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** Waits up to {@code seconds} for the condition to give something other than null or false. */
    public <T> T await(int seconds, String what, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, Duration.ofSeconds(seconds))
                .pollingEvery(Duration.ofMillis(100))
                .withMessage(what)
                .until(condition);
    }

    /** The first element the selector finds, once it is displayed. */
    public WebElement await(String css) {
        return await(10, "an element " + css, d -> {
            List<WebElement> found = d.findElements(By.cssSelector(css));
            return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
        });
    }

    /** Replaces an input's value as a person would: select all, type. */
    public void type(String css, String text) {
        WebElement input = await(css);
        input.clear();
        input.sendKeys(text);
    }

    public Object script(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(script, arguments);
    }

    public void size(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /** Writes a PNG of the viewport to {@code target/browser-screenshots/<name>.png}. */
    public Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Writes a PNG of one element, the whole of it even where it is taller than the window, to
     * {@code target/browser-screenshots/<name>.png} (Chromium's own capture beyond the window:
     * WebDriver's element screenshot stops at the window's edge).
     */
    public Path screenshot(String name, WebElement element) {
        // the window made as tall as the page first, so that nothing scrolls and the element is
        // measured in the layout that is captured
        Map<String, Double> page = measure("return {width: innerWidth, height: document.documentElement.scrollHeight}");
        driver.executeCdpCommand(
                "Emulation.setDeviceMetricsOverride",
                Map.of(
                        "width",
                        page.get("width").intValue(),
                        "height",
                        page.get("height").intValue(),
                        "deviceScaleFactor",
                        1,
                        "mobile",
                        false));
        try {
            Map<String, Object> clip = new java.util.HashMap<>(measure(
                    "const r = arguments[0].getBoundingClientRect();"
                            + " return {x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height}",
                    element));
            clip.put("scale", 1);
            Map<String, Object> shot = driver.executeCdpCommand(
                    "Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true, "clip", clip));
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, java.util.Base64.getDecoder().decode((String) shot.get("data")));
            return file;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        } finally {
            driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    /** The numbers a script returns, by name. */
    private Map<String, Double> measure(String script, Object... arguments) {
        Map<String, Double> numbers = new java.util.LinkedHashMap<>();
        ((Map<?, ?>) script(script, arguments))
                .forEach((key, value) -> numbers.put((String) key, ((Number) value).doubleValue()));
        return numbers;
    }

    /** The console messages since the last call: errors, Content-Security-Policy violations. */
    public List<String> consoleMessages() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .map(LogEntry::toString)
                .toList();
    }

    public Map<String, Object> sessionState() {
        @SuppressWarnings("unchecked")
        Map<String, Object> state = (Map<String, Object>)
                script(
                        "return {session: Object.keys(sessionStorage), local: Object.keys(localStorage), cookies: document.cookie}");
        return state;
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            } catch (IOException ignored) {
                // a temporary profile left behind is harmless
            }
        }
    }
}
