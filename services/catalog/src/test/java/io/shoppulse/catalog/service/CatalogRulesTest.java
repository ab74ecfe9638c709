package io.shoppulse.catalog.service;

import io.shoppulse.catalog.model.PriceInput;
import io.shoppulse.common.problem.ProblemException;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Currency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Money and identifiers, without a server. */
class CatalogRulesTest {

    @Test
    void amountsKeepTheirCurrencysPrecisionExactly() {
        assertThat(CatalogRules.amount(new PriceInput(new BigDecimal("19.9")), Currency.getInstance("EUR")))
                .hasToString("19.90");
        assertThat(CatalogRules.amount(new PriceInput(new BigDecimal("1500.000")), Currency.getInstance("JPY")))
                .hasToString("1500");
        assertThat(CatalogRules.amount(new PriceInput(new BigDecimal("0.001")), Currency.getInstance("BHD")))
                .hasToString("0.001");
        assertThat(CatalogRules.money(new BigDecimal("19.9900"), "EUR")).hasToString("19.99");
        assertThatThrownBy(() -> CatalogRules.amount(new PriceInput(new BigDecimal("0.001")),
                Currency.getInstance("EUR"))).isInstanceOf(ProblemException.class)
                .hasMessage("The price is not valid.");
    }

    @Test
    void currenciesAreIso4217WithDecimals() {
        assertThat(CatalogRules.currency("EUR").getDefaultFractionDigits()).isEqualTo(2);
        for (String bad : new String[]{"eur", "EURO", "ABC", "XXX", null}) {
            assertThatThrownBy(() -> CatalogRules.currency(bad)).isInstanceOf(ProblemException.class);
        }
    }

    @Test
    void skusAreSafeInAPathAndCategoriesHaveParents() {
        assertThat(CatalogRules.sku("SHOE-42.red_x:1")).isEqualTo("SHOE-42.red_x:1");
        for (String bad : new String[]{"", "-lead", "has space", "a/b", "x".repeat(65)}) {
            assertThatThrownBy(() -> CatalogRules.sku(bad)).isInstanceOf(ProblemException.class);
        }
        assertThat(CatalogRules.parentOf("apparel/shoes/running")).isEqualTo("apparel/shoes");
        assertThat(CatalogRules.parentOf("apparel")).isNull();
    }
}
