package io.dwcp.resilience.itests.browser;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.dwcp.resilience.itests.fixtures.LoadGenerator;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.ops4j.pax.tinybundles.TinyBundles;
import org.osgi.framework.Constants;

/**
 * The operators' dashboard in a real browser: the runtime jar as a user starts it (its shipped
 * configuration, chaos allowed for the test, the HTTP port on a free loopback port), a test bundle
 * keeping the four operations busy, and headless Chromium driven by Selenium, logged in to the Web
 * Console as the default admin.
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver}. Without them the test is skipped
 * with a message, except on CI ({@code CI} set in the environment), where it fails.
 */
public class DashboardBrowserIT {

    private static final String CHROMIUM = System.getProperty("dwcp.chromium", "/usr/bin/chromium");
    private static final String CHROMEDRIVER = System.getProperty("dwcp.chromedriver", "/usr/bin/chromedriver");
    private static final Duration STARTUP = Duration.ofSeconds(90);

    private Path dir;
    private Process runtime;
    private ChromeDriver browser;
    private int port;

    @Before
    public void startRuntimeAndBrowser() throws Exception {
        boolean present = new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute();
        if (!present && System.getenv("CI") != null) {
            fail("CI must run the dashboard's browser test: install Debian's chromium and chromium-driver ("
                    + CHROMIUM + ", " + CHROMEDRIVER + ")");
        }
        Assume.assumeTrue("SKIPPED DashboardBrowserIT: no headless Chromium here (" + CHROMIUM + ", " + CHROMEDRIVER
                + "); install Debian's chromium and chromium-driver to run it", present);
        File jar = new File(System.getProperty("dwcp.runtime.jar", "../runtime/target/dwcp-runtime.jar"));
        assertTrue("the runtime jar is built before the integration tests: " + jar, jar.isFile());

        dir = Files.createTempDirectory("dwcp-dashboard-it");
        Path conf = Files.createDirectories(dir.resolve("conf"));
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("dwcp.runtime.conf", "../runtime/conf")))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, conf.resolve(f.getFileName()));
            }
        }
        port = freePort();
        edit(conf.resolve("dwcp.chaos.cfg"), "allowed = false", "allowed = true");
        edit(conf.resolve("org.apache.felix.http.cfg"), "org.osgi.service.http.port = 8181",
                "org.osgi.service.http.port = " + port);
        // every listener on a free port: other builds on this machine may run the runtime too
        edit(conf.resolve("dwcp.metrics.cfg"), "port = 9464", "port = " + freePort());
        edit(conf.resolve("dwcp.transport.cfg"), "listen.port = 7700", "listen.port = " + freePort());
        // FileInstall installs and starts the bundles it finds in conf/, as it applies the .cfg files
        try (InputStream load = TinyBundles.bundle()
                .addClass(LoadGenerator.class)
                .setHeader(Constants.BUNDLE_MANIFESTVERSION, "2")
                .setHeader(Constants.BUNDLE_SYMBOLICNAME, "io.dwcp.itests.load")
                .setHeader(Constants.BUNDLE_VERSION, "1.0.0")
                .setHeader(Constants.BUNDLE_ACTIVATOR, LoadGenerator.class.getName())
                .setHeader(Constants.IMPORT_PACKAGE, "io.dwcp.resilience.api;version=\"[1.0,2)\","
                        + "org.osgi.framework;version=\"[1.8,2)\"")
                .build(TinyBundles.rawBuilder())) {
            Files.copy(load, conf.resolve("load-generator.jar"), StandardCopyOption.REPLACE_EXISTING);
        }

        runtime = new ProcessBuilder(javaExecutable(), "-Dgosh.args=--nointeractive",
                "-D" + LoadGenerator.CONTROL_DIR + "=" + dir, "-jar", jar.getAbsolutePath())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("runtime.log").toFile())
                .start();
        awaitHttp();

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium")),
                "--window-size=1500,1000", "--lang=en-GB");
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
        // The Web Console asks for HTTP Basic credentials: send them with every request, as a browser
        // does once the user has typed them.
        browser.executeCdpCommand("Network.enable", Map.of());
        browser.executeCdpCommand("Network.setExtraHTTPHeaders", Map.of("headers", Map.of("Authorization",
                "Basic " + Base64.getEncoder().encodeToString("admin:admin".getBytes(StandardCharsets.UTF_8)))));
    }

    @After
    public void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (runtime != null) {
            runtime.destroy(); // SIGTERM: the runtime stops the framework in order
            if (!runtime.waitFor(30, TimeUnit.SECONDS)) {
                runtime.destroyForcibly();
            }
        }
    }

    @Test
    public void theDashboardShowsTheLayerLiveAndItsActionsWork() throws Exception {
        String page = "http://127.0.0.1:" + port + "/system/console/dwcp";
        browser.get(page);
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20), Duration.ofMillis(100));
        wait.withMessage("the page's first model").until(b -> "true".equals(
                b.findElement(By.id("dwcp")).getAttribute("data-ready")));

        // the four operations, each with its chain
        for (String op : List.of("send", "receive", "sync", "consensus")) {
            WebElement card = browser.findElement(By.id("dw-op-" + op));
            assertTrue(op + " shows its chain", card.findElements(By.cssSelector(".dw-stage")).size() >= 5);
        }
        // live: the send chart gets points without a reload
        wait.withMessage("calls per second of send above zero").until(b -> {
            String text = b.findElement(By.cssSelector("#dw-op-send .dw-figs span:nth-child(2)")).getText();
            return !text.equals("–") && Double.parseDouble(text) > 0;
        });

        // failing calls open the send breaker; the page shows it red within a few seconds
        Path failSend = Files.createFile(dir.resolve("fail-send"));
        long failingSince = System.nanoTime();
        WebDriverWait aFewSeconds = new WebDriverWait(browser, Duration.ofSeconds(15), Duration.ofMillis(100));
        aFewSeconds.withMessage("the send breaker shown open").until(b -> {
            WebElement badge = b.findElement(By.cssSelector("#dw-op-send .dw-breaker"));
            return "OPEN".equals(badge.getAttribute("data-state"));
        });
        long shownAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - failingSince);
        WebElement badge = browser.findElement(By.cssSelector("#dw-op-send .dw-breaker"));
        assertTrue("an open breaker is red", badge.getAttribute("class").contains("dw-bad"));
        assertEquals("rgba(214, 59, 59, 1)", badge.getCssValue("background-color"));
        System.out.println("DashboardBrowserIT: send breaker shown OPEN " + shownAfterMillis
                + " ms after its calls started failing");
        wait.withMessage("the breaker's change on the timeline").until(b -> b.findElement(By.id("dw-changes"))
                .getText().contains("breaker send CLOSED → OPEN"));
        Files.delete(failSend);

        // arm chaos from the page, with a confirmation
        browser.findElement(By.id("dw-arm-for")).clear();
        browser.findElement(By.id("dw-arm-for")).sendKeys("5m");
        browser.findElement(By.id("dw-arm-probability")).sendKeys("0.05");
        browser.findElement(By.id("dw-arm-operations")).sendKeys("sync");
        browser.findElement(By.id("dw-arm-reason")).sendKeys("dashboard browser test");
        browser.findElement(By.id("dw-arm")).click();
        confirm(wait, "Arm chaos for 5m");
        wait.withMessage("chaos shown armed").until(b -> "true".equals(
                b.findElement(By.id("dw-chaos-state")).getAttribute("data-armed")));
        String armed = browser.findElement(By.id("dw-chaos-state")).getText();
        assertTrue(armed, armed.matches("ARMED — [45]m \\d\\ds left"));
        assertTrue("the kill switch is enabled while armed", browser.findElement(By.id("dw-kill")).isEnabled());

        // under load, chaos armed, a breaker just opened: the picture for README
        Thread.sleep(3_000);
        saveScreenshot();

        // the kill switch disarms it
        browser.findElement(By.id("dw-kill")).click();
        confirm(wait, "Disarm chaos now?");
        wait.withMessage("chaos shown disarmed").until(b -> "false".equals(
                b.findElement(By.id("dw-chaos-state")).getAttribute("data-armed")));
        assertTrue(browser.findElement(By.id("dw-chaos-state")).getText().startsWith("disarmed"));

        // every action left an audit line, newest first
        String audit = browser.findElement(By.id("dw-audit")).getText();
        assertTrue(audit, audit.matches("(?s).*admin chaos-disarm → chaos disarmed.*admin chaos-arm .*duration=5m.*"
                + "probability=0.05.*→ chaos armed until.*"));

        List<String> errors = new ArrayList<>();
        for (LogEntry e : browser.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()) {
                errors.add(e.getMessage());
            }
        }
        assertEquals("errors in the browser's console", List.of(), errors);
    }

    /** Checks the confirmation dialog names what is asked, and confirms. */
    private void confirm(WebDriverWait wait, String expected) {
        wait.withMessage("the confirmation dialog").until(b -> b.findElement(By.id("dw-confirm")).isDisplayed());
        String question = browser.findElement(By.id("dw-confirm-text")).getText();
        assertTrue(question, question.contains(expected));
        browser.findElement(By.id("dw-confirm-ok")).click();
        wait.withMessage("the dialog closed").until(b -> !b.findElement(By.id("dw-confirm")).isDisplayed());
    }

    /** The whole page, as tall as it is, to target/dashboard.png (docs/img/dashboard.png is a copy). */
    private void saveScreenshot() throws IOException {
        Number height = (Number) ((JavascriptExecutor) browser).executeScript(
                "return document.documentElement.scrollHeight");
        browser.manage().window().setSize(new Dimension(1500, Math.min(4000, height.intValue() + 20)));
        File shot = browser.getScreenshotAs(OutputType.FILE);
        Path target = Path.of("target", "dashboard.png");
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("DashboardBrowserIT: screenshot " + target.toAbsolutePath());
        browser.manage().window().setSize(new Dimension(1500, 1000));
    }

    private void awaitHttp() throws Exception {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        URL url = new URL("http://127.0.0.1:" + port + "/system/console/dwcp/model.json");
        while (true) {
            if (!runtime.isAlive()) {
                fail("the runtime exited with " + runtime.exitValue() + ":\n" + Files.readString(dir.resolve("runtime.log")));
            }
            try {
                HttpURLConnection c = (HttpURLConnection) url.openConnection();
                c.setRequestProperty("Authorization",
                        "Basic " + Base64.getEncoder().encodeToString("admin:admin".getBytes(StandardCharsets.UTF_8)));
                if (c.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                fail("the dashboard did not answer on port " + port + " within " + STARTUP.toSeconds() + " s:\n"
                        + Files.readString(dir.resolve("runtime.log")));
            }
            Thread.sleep(200);
        }
    }

    private static void edit(Path file, String from, String to) throws IOException {
        String text = Files.readString(file);
        assertTrue(file + " contains '" + from + "'", text.contains(from));
        Files.writeString(file, text.replace(from, to));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
