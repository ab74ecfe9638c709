package io.shoppulse.catalog.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The catalog service's own settings ({@code shoppulse.catalog.*}). */
@ConfigMapping(prefix = "shoppulse.catalog")
public interface CatalogConfig {

    /** Products per page when a listing names no limit. */
    @WithDefault("50")
    int defaultPageSize();

    /** The largest limit a listing may ask for. */
    @WithDefault("200")
    int maxPageSize();
}
