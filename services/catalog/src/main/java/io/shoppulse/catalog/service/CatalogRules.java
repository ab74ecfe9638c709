package io.shoppulse.catalog.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.shoppulse.catalog.model.CategoryInput;
import io.shoppulse.catalog.model.PriceInput;
import io.shoppulse.catalog.model.ProductInput;
import io.shoppulse.catalog.model.ProductStatus;
import io.shoppulse.catalog.model.StockInput;
import io.shoppulse.common.problem.FieldError;
import io.shoppulse.common.problem.ProblemException;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What catalog input may be, without storage: every broken field is named with its reason, money is exact and has
 * no more decimals than its currency, and identifiers are safe in a URL path.
 */
public final class CatalogRules {

    static final int MAX_NAME = 200;
    static final int MAX_DESCRIPTION = 10_000;
    static final int MAX_BRAND = 100;
    static final int MAX_IMAGES = 20;
    static final int MAX_URL = 2048;
    static final int MAX_ATTRIBUTES = 100;
    static final int MAX_ATTRIBUTE_KEY = 64;
    static final int MAX_CATEGORY_PATH = 255;
    static final int MAX_CATEGORIES = 1000;
    static final int MAX_STOCK = 1_000_000_000;
    static final BigDecimal MAX_AMOUNT = new BigDecimal("1000000000000");

    /** SKUs and locations: URL-safe, 1 to 64 characters, starting with a letter or digit. */
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");
    /** Category paths: lower-case segments of letters, digits, '-' and '_', separated by '/'. */
    private static final Pattern CATEGORY = Pattern.compile("[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*");

    private CatalogRules() {
    }

    public static String sku(String sku) {
        return key(sku, "sku");
    }

    public static String location(String location) {
        return key(location, "location");
    }

    private static String key(String value, String field) {
        if (value == null || !KEY.matcher(value).matches()) {
            throw ProblemException.badRequest(field,
                    "must be 1 to 64 letters, digits, '.', '_', ':' or '-', starting with a letter or digit");
        }
        return value;
    }

    /** A product input checked field by field; the status defaults to active. */
    public static ProductStatus product(String sku, ProductInput p) {
        List<FieldError> errors = new ArrayList<>();
        if (p.sku() != null && !p.sku().equals(sku)) {
            errors.add(new FieldError("sku", "must be the SKU of the path (" + sku + ") when given"));
        }
        text(p.name(), "name", MAX_NAME, true, errors);
        text(p.description(), "description", MAX_DESCRIPTION, false, errors);
        text(p.brand(), "brand", MAX_BRAND, false, errors);
        if (p.category() != null) {
            categoryPath(p.category(), "category", errors);
        }
        if (p.attributes() != null) {
            attributes(p.attributes(), errors);
        }
        if (p.images() != null) {
            if (p.images().size() > MAX_IMAGES) {
                errors.add(new FieldError("images", "must hold at most " + MAX_IMAGES + " URLs"));
            }
            for (int i = 0; i < p.images().size(); i++) {
                image(p.images().get(i), "images[" + i + "]", errors);
            }
        }
        ProductStatus status = p.status() == null ? ProductStatus.ACTIVE : ProductStatus.parse(p.status());
        if (status == null) {
            errors.add(new FieldError("status", "must be active or archived"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest("The product is not valid.", errors);
        }
        return status;
    }

    /** The product's attributes, an empty object when none were sent. */
    public static JsonNode attributesOf(ProductInput p) {
        return p.attributes() == null ? JsonNodeFactory.instance.objectNode() : p.attributes();
    }

    private static void attributes(JsonNode attributes, List<FieldError> errors) {
        if (!attributes.isObject()) {
            errors.add(new FieldError("attributes", "must be an object of names to values"));
            return;
        }
        if (attributes.size() > MAX_ATTRIBUTES) {
            errors.add(new FieldError("attributes", "must hold at most " + MAX_ATTRIBUTES + " names"));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = attributes.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (entry.getKey().isBlank() || entry.getKey().length() > MAX_ATTRIBUTE_KEY) {
                errors.add(new FieldError("attributes." + entry.getKey(), "names must be 1 to " + MAX_ATTRIBUTE_KEY
                        + " characters"));
            }
            if (containsNul(entry.getKey()) || containsNul(entry.getValue().toString())) {
                errors.add(new FieldError("attributes." + entry.getKey(), "must not contain the NUL character"));
            }
        }
    }

    private static void image(String url, String field, List<FieldError> errors) {
        if (url == null || url.length() > MAX_URL) {
            errors.add(new FieldError(field, "must be an http or https URL of at most " + MAX_URL + " characters"));
            return;
        }
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                errors.add(new FieldError(field, "must be an absolute http or https URL"));
            }
        } catch (URISyntaxException e) {
            errors.add(new FieldError(field, "is not a valid URL: " + e.getReason()));
        }
    }

    /** A category path; the reason is added to {@code errors} under {@code field} when it is not one. */
    static void categoryPath(String path, String field, List<FieldError> errors) {
        if (path == null || path.length() > MAX_CATEGORY_PATH || !CATEGORY.matcher(path).matches()) {
            errors.add(new FieldError(field, "must be a path of lower-case segments such as apparel/shoes/running"
                    + " (letters, digits, '-', '_'; at most " + MAX_CATEGORY_PATH + " characters)"));
        }
    }

    /** A category prefix for listing, or 400. */
    public static String categoryFilter(String path) {
        List<FieldError> errors = new ArrayList<>();
        categoryPath(path, "category", errors);
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest("The category filter is not valid.", errors);
        }
        return path;
    }

    /** The categories to create or rename, each path once. */
    public static void categories(List<CategoryInput> categories) {
        List<FieldError> errors = new ArrayList<>();
        if (categories == null || categories.isEmpty()) {
            throw ProblemException.badRequest("body", "must be an array of at least one {path, name}");
        }
        if (categories.size() > MAX_CATEGORIES) {
            throw ProblemException.badRequest("body", "must hold at most " + MAX_CATEGORIES + " categories");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < categories.size(); i++) {
            CategoryInput category = categories.get(i);
            if (category == null) {
                errors.add(new FieldError("[" + i + "]", "must be an object {path, name}"));
                continue;
            }
            int before = errors.size();
            categoryPath(category.path(), "[" + i + "].path", errors);
            if (errors.size() == before && !seen.add(category.path())) {
                errors.add(new FieldError("[" + i + "].path", "is listed more than once"));
            }
            text(category.name(), "[" + i + "].name", MAX_NAME, true, errors);
        }
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest("The categories are not valid.", errors);
        }
    }

    /** The parent of a category path, or null for a top-level category. */
    public static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? null : path.substring(0, slash);
    }

    /** An ISO 4217 currency, or 400 naming {@code currency}. */
    public static Currency currency(String code) {
        if (code != null && code.matches("[A-Z]{3}")) {
            try {
                Currency currency = Currency.getInstance(code);
                if (currency.getDefaultFractionDigits() >= 0) {
                    return currency;
                }
            } catch (IllegalArgumentException e) {
                // answered below
            }
        }
        throw ProblemException.badRequest("currency", "must be an ISO 4217 currency code such as EUR");
    }

    /**
     * A price: present, not negative, no more decimals than the currency has (0 for JPY, 2 for EUR), and scaled to
     * exactly those decimals.
     */
    public static BigDecimal amount(PriceInput price, Currency currency) {
        BigDecimal value = price.amount();
        String reason = null;
        int digits = currency.getDefaultFractionDigits();
        if (value == null) {
            reason = "is required";
        } else if (value.signum() < 0) {
            reason = "must not be negative";
        } else if (value.stripTrailingZeros().scale() > digits) {
            reason = "has more than " + digits + " decimals for " + currency.getCurrencyCode();
        } else if (value.compareTo(MAX_AMOUNT) > 0) {
            reason = "must not exceed " + MAX_AMOUNT.toPlainString();
        }
        if (reason != null) {
            throw ProblemException.badRequest("The price is not valid.", List.of(new FieldError("amount", reason)));
        }
        return money(value, currency.getCurrencyCode());
    }

    /** A stored or validated amount at its currency's precision (19.9 EUR is 19.90; 1500 JPY stays 1500). */
    public static BigDecimal money(BigDecimal amount, String currency) {
        int digits = Math.max(Currency.getInstance(currency).getDefaultFractionDigits(), 0);
        return amount.setScale(digits, RoundingMode.UNNECESSARY);
    }

    /** Stock levels: whole units, reserved never above on hand. */
    public static void stock(StockInput s) {
        List<FieldError> errors = new ArrayList<>();
        if (s.onHand() == null) {
            errors.add(new FieldError("on_hand", "is required"));
        } else if (s.onHand() < 0 || s.onHand() > MAX_STOCK) {
            errors.add(new FieldError("on_hand", "must be between 0 and " + MAX_STOCK));
        }
        int reserved = s.reserved() == null ? 0 : s.reserved();
        if (reserved < 0) {
            errors.add(new FieldError("reserved", "must not be negative"));
        } else if (s.onHand() != null && reserved > s.onHand()) {
            errors.add(new FieldError("reserved", "must not exceed on_hand (" + s.onHand() + ")"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest("The stock level is not valid.", errors);
        }
    }

    private static void text(String value, String field, int max, boolean required, List<FieldError> errors) {
        if (value == null) {
            if (required) {
                errors.add(new FieldError(field, "is required"));
            }
        } else if (value.isBlank() || value.length() > max) {
            errors.add(new FieldError(field, "must be 1 to " + max + " characters, not only spaces"));
        } else if (containsNul(value)) {
            errors.add(new FieldError(field, "must not contain the NUL character"));
        }
    }

    /** PostgreSQL refuses NUL in text and jsonb: refused here with the field's name instead. */
    private static boolean containsNul(String value) {
        return value.indexOf('\u0000') >= 0 || value.contains("\\u0000");
    }
}
