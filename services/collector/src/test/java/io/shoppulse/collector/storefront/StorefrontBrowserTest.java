package io.shoppulse.collector.storefront;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.shoppulse.collector.support.Servers;
import io.shoppulse.collector.support.Sources;
import io.shoppulse.common.testing.TopicReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A shopper in headless Chromium (Debian's chromium and chromedriver) browses the demo storefront, which loads
 * shoppulse.js from the collector under test; every GA4 step they take must arrive in the real Kafka.
 */
@QuarkusTest
@Servers
class StorefrontBrowserTest {

    private static final Path STOREFRONT = Path.of("../../demo/storefront");

    @TestHTTPResource("/")
    URL collector;

    private HttpServer shop;
    private WebDriver browser;
    private String shopUrl;

    @BeforeEach
    void openShopAndBrowser() throws IOException {
        shop = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        shopUrl = "http://127.0.0.1:" + shop.getAddress().getPort();
        String writeKey = Sources.create("demo-admin", "Browser test " + System.nanoTime(), List.of(shopUrl))
                .path("write_key");
        String endpoint = collector.toString().replaceAll("/$", "");
        byte[] config = ("window.SHOPPULSE = {endpoint: '" + endpoint + "', writeKey: '" + writeKey + "'};")
                .getBytes(StandardCharsets.UTF_8);
        shop.createContext("/", exchange -> {
            String name = exchange.getRequestURI().getPath().replaceFirst("^/", "");
            byte[] body = "config.js".equals(name)
                    ? config
                    : name.matches("[a-z]+\\.(html|js|css)") && Files.isRegularFile(STOREFRONT.resolve(name))
                            ? Files.readAllBytes(STOREFRONT.resolve(name))
                            : null;
            exchange.getResponseHeaders().add("Content-Type", name.endsWith(".html")
                    ? "text/html"
                    : name.endsWith(".css") ? "text/css" : "text/javascript");
            exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                if (body != null) {
                    out.write(body);
                }
            }
        });
        shop.start();
        browser = chromium();
    }

    @AfterEach
    void close() {
        if (browser != null) {
            browser.quit();
        }
        if (shop != null) {
            shop.stop(0);
        }
    }

    @Test
    void aShoppersWholeJourneyArrivesInKafka() {
        try (TopicReader events = new TopicReader("shop.events.v1")) {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));

            browser.get(shopUrl + "/index.html?q=running");
            wait.until(ExpectedConditions.elementToBeClickable(By.id("product-SKU-1042"))).click();
            wait.until(ExpectedConditions.elementToBeClickable(By.id("add-to-cart"))).click();
            wait.until(ExpectedConditions.elementToBeClickable(By.id("go-to-cart"))).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("line-SKU-1042")));
            browser.findElement(By.id("checkout")).click();
            wait.until(ExpectedConditions.elementToBeClickable(By.id("submit-shipping"))).click();
            wait.until(ExpectedConditions.elementToBeClickable(By.id("place-order"))).click();
            String order = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("order-id"))).getText();
            String anonymousId = (String) ((JavascriptExecutor) browser)
                    .executeScript("return localStorage.getItem('shoppulse_aid')");
            browser.get(shopUrl + "/index.html"); // leaving the page hands anything unsent to sendBeacon

            List<String> journey = List.of("search", "view_item_list", "select_item", "view_item", "add_to_cart",
                    "view_cart", "begin_checkout", "add_shipping_info", "add_payment_info", "purchase");
            var arrived = events.await(m -> anonymousId.equals(m.value().path("anonymous_id").asText())
                    && !"page_view".equals(m.value().path("type").asText()), journey.size());
            assertThat(arrived.stream().map(m -> m.value().get("type").asText()).collect(Collectors.toSet()))
                    .containsExactlyInAnyOrderElementsOf(journey);
            JsonNode purchase = arrived.stream().map(TopicReader.Message::value)
                    .filter(e -> "purchase".equals(e.get("type").asText())).findFirst().orElseThrow();
            assertThat(purchase.get("transaction_id").asText()).isEqualTo(order);
            assertThat(purchase.get("value").decimalValue()).isEqualByComparingTo(new BigDecimal("94.80"));
            assertThat(purchase.get("items").get(0).get("item_id").asText()).isEqualTo("SKU-1042");
            assertThat(arrived).extracting(m -> m.value().get("session_id").asText()).containsOnly(
                    arrived.get(0).value().get("session_id").asText());
            assertThat(events.await(m -> anonymousId.equals(m.value().path("anonymous_id").asText())
                    && "page_view".equals(m.value().path("type").asText()), 5)).hasSize(5); // catalogue, product, cart,
                                                                                            // checkout, catalogue
        }
    }

    private static WebDriver chromium() {
        File driver = new File("/usr/bin/chromedriver");
        File binary = new File("/usr/bin/chromium");
        if (!driver.canExecute() || !binary.canExecute()) {
            throw new IllegalStateException(
                    "Browser tests need Debian's chromium and chromium-driver: apt-get install chromium chromium-driver");
        }
        ChromeOptions options = new ChromeOptions().setBinary(binary).addArguments("--headless=new", "--no-sandbox",
                "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + tempDir());
        return new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(driver).build(), options);
    }

    private static String tempDir() {
        try {
            return Files.createTempDirectory("shoppulse-chromium").toString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
