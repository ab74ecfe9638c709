package io.shoppulse.simulator.shop;

import io.shoppulse.simulator.model.Money;
import io.shoppulse.simulator.model.Product;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Builds a shop's catalogue from a seed: the same seed gives the same SKUs, names, brands, categories and prices, so
 * a tenant's products stay the same from one run to the next. Prices are typical shop prices in the currency (89.90
 * EUR, 99.99 USD, 4,980 JPY).
 */
public final class CatalogGenerator {

    private record Department(String path, String[] nouns, double minEur, double maxEur) {
    }

    private static final Department[] DEPARTMENTS = {
            new Department("Shoes/Running", new String[]{"Trail Runner", "Road Racer", "Tempo Trainer"}, 59, 179),
            new Department("Shoes/Casual", new String[]{"Canvas Sneaker", "Leather Loafer", "Slip-On"}, 39, 129),
            new Department("Apparel/Jackets", new String[]{"Rain Shell", "Down Jacket", "Fleece"}, 49, 299),
            new Department("Apparel/Shirts", new String[]{"Merino Tee", "Linen Shirt", "Polo"}, 19, 79),
            new Department("Apparel/Socks", new String[]{"Merino Socks", "Running Socks", "Hiking Socks"}, 7, 24),
            new Department("Outdoor/Camping", new String[]{"Tent", "Sleeping Bag", "Camp Stove"}, 29, 449),
            new Department("Outdoor/Backpacks", new String[]{"Daypack", "Trekking Pack", "Hip Bag"}, 25, 219),
            new Department("Home/Kitchen", new String[]{"Coffee Grinder", "Chef Knife", "Cast Iron Pan"}, 15, 189),
            new Department("Home/Living", new String[]{"Wool Throw", "Table Lamp", "Cushion"}, 19, 149),
            new Department("Electronics/Audio", new String[]{"Headphones", "Speaker", "Earbuds"}, 29, 349),
            new Department("Electronics/Accessories", new String[]{"Charger", "Cable", "Power Bank"}, 9, 69),
            new Department("Beauty/Skincare", new String[]{"Face Cream", "Cleanser", "Serum"}, 9, 59)};

    private static final String[] BRANDS = {"Northpeak", "Fjellvik", "Urban Loop", "Kestrel", "Solano", "Brightwood",
            "Aalto", "Maple & Stone", "Cirrus", "Tidewater", "Helio", "Oakline"};
    private static final String[] MODIFIERS = {"Pro", "Lite", "2", "3", "Classic", "Edge", "Air", "Max", "Flow",
            "Trek", "Nova", "Plus"};
    private static final String[] COLOURS = {"black", "blue", "grey", "green", "red", "sand", "white", "navy"};

    private CatalogGenerator() {
    }

    /** {@code size} products in {@code currency}, in popularity order. */
    public static Catalog generate(long seed, String currency, int size, double zipfExponent) {
        Random random = new Random(seed);
        List<Product> products = new ArrayList<>(size);
        Set<String> names = new HashSet<>();
        BigDecimal rate = perEuro(currency);
        while (products.size() < size) {
            Department d = DEPARTMENTS[random.nextInt(DEPARTMENTS.length)];
            String brand = BRANDS[random.nextInt(BRANDS.length)];
            String name = d.nouns()[random.nextInt(d.nouns().length)] + " "
                    + MODIFIERS[random.nextInt(MODIFIERS.length)];
            if (!names.add(brand + name)) {
                continue;
            }
            String variant = d.path().startsWith("Shoes")
                    ? COLOURS[random.nextInt(COLOURS.length)] + " "
                            + (38 + random.nextInt(9))
                    : d.path().startsWith("Apparel")
                            ? COLOURS[random.nextInt(COLOURS.length)] + " "
                                    + new String[]{"S", "M", "L", "XL"}[random.nextInt(4)]
                            : null;
            // Log-uniform between the department's bounds: many cheap products, a few dear ones.
            double eur = d.minEur() * Math.pow(d.maxEur() / d.minEur(), random.nextDouble());
            BigDecimal price = shelfPrice(BigDecimal.valueOf(eur).multiply(rate), currency);
            String sku = "SKU-" + (1000 + products.size());
            products.add(new Product(sku, name, brand, d.path(), variant, price, slug(name) + "-" + sku
                    .substring(4)));
        }
        return new Catalog(products, zipfExponent);
    }

    /** An indicative rate, only to make prices look right in each currency: no amount is ever converted. */
    static BigDecimal perEuro(String currency) {
        return switch (currency) {
            case "EUR" -> BigDecimal.ONE;
            case "USD" -> new BigDecimal("1.10");
            case "GBP" -> new BigDecimal("0.85");
            case "JPY" -> new BigDecimal("160");
            case "CHF" -> new BigDecimal("0.95");
            case "SEK" -> new BigDecimal("11.5");
            default -> BigDecimal.ONE;
        };
    }

    /** A price as shops print it: x.90 / x.99 in 2-decimal currencies, a multiple of 10 ending in 80 in yen. */
    static BigDecimal shelfPrice(BigDecimal raw, String currency) {
        if (Money.decimals(currency) == 0) {
            BigDecimal hundreds = raw.divide(BigDecimal.valueOf(100), 0, RoundingMode.HALF_UP).max(BigDecimal.ONE);
            return hundreds.multiply(BigDecimal.valueOf(100)).subtract(BigDecimal.valueOf(20));
        }
        BigDecimal whole = raw.setScale(0, RoundingMode.DOWN).max(BigDecimal.ONE);
        String cents = whole.intValue() % 3 == 0 ? "0.99" : "0.90";
        return Money.of(whole.add(new BigDecimal(cents)), currency);
    }

    private static String slug(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }
}
