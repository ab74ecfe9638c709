package io.shoppulse.simulator.shop;

import io.shoppulse.simulator.model.Product;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/** A shop's products in popularity order (rank 0 is the best seller), drawn by a Zipf law. */
public final class Catalog {

    private final List<Product> products;
    private final ZipfSampler popularity;
    private final Map<String, List<Product>> byCategory = new LinkedHashMap<>();

    public Catalog(List<Product> byPopularity, double zipfExponent) {
        this.products = List.copyOf(byPopularity);
        this.popularity = new ZipfSampler(products.size(), zipfExponent);
        for (Product p : products) {
            byCategory.computeIfAbsent(p.category(), c -> new ArrayList<>()).add(p);
        }
    }

    public List<Product> products() {
        return products;
    }

    public List<String> categories() {
        return List.copyOf(byCategory.keySet());
    }

    /** A category's products, most popular first. */
    public List<Product> inCategory(String category) {
        return byCategory.getOrDefault(category, List.of());
    }

    public Product popular(RandomGenerator random) {
        return products.get(popularity.sample(random));
    }

    /** A category chosen in proportion to the popularity of what it holds. */
    public String popularCategory(RandomGenerator random) {
        return popular(random).category();
    }
}
