package io.shoppulse.collector.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shoppulse.common.problem.FieldError;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** The contract's schemas against the documented examples (docs/events.md) and against what they must refuse. */
class EventContractTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static EventContract contract;
    private static Map<String, ObjectNode> examples;

    @BeforeAll
    static void load() {
        contract = new EventContract();
        examples = DocumentedExamples.load();
    }

    @Test
    void everyStandardTypeHasADocumentedExampleAndEveryExampleIsValid() {
        assertThat(examples.keySet()).containsAll(EventContract.STANDARD_TYPES).contains("acme:wishlist_add");
        examples.forEach((type, event) -> assertThat(contract.validate(event)).as(type).isEmpty());
    }

    @Test
    void envelopeFieldsAreRequired() {
        ObjectNode event = example("page_view");
        event.remove(List.of("event_id", "timestamp", "anonymous_id", "session_id"));

        assertThat(fields(contract.validate(event))).containsExactly("anonymous_id", "event_id", "session_id",
                "timestamp");
        assertThat(contract.validate(event)).allSatisfy(e -> assertThat(e.reason()).isEqualTo("is required"));
    }

    @Test
    void formatsAreChecked() {
        assertThat(errors("page_view", e -> e.put("event_id", "42"))).containsExactly("event_id");
        assertThat(errors("page_view", e -> e.put("timestamp", "yesterday"))).containsExactly("timestamp");
        assertThat(errors("page_view", e -> ((ObjectNode) e.get("page")).put("url", "not a url")))
                .containsExactly("page.url");
    }

    @Test
    void typeSpecificFieldsAreRequired() {
        assertThat(errors("purchase", e -> e.remove(List.of("transaction_id", "currency"))))
                .contains("transaction_id", "currency");
        assertThat(errors("search", e -> e.remove("search_term"))).containsExactly("search_term");
        assertThat(errors("add_to_cart", e -> e.remove("items"))).containsExactly("items");
        assertThat(errors("view_item_list", e -> e.putArray("items"))).containsExactly("items");
    }

    @Test
    void itemsAndMoneyAreChecked() {
        assertThat(errors("add_to_cart", e -> ((ObjectNode) e.get("items").get(0)).remove("item_id")))
                .containsExactly("items[0].item_id");
        assertThat(errors("add_to_cart", e -> ((ObjectNode) e.get("items").get(0)).put("quantity", 0)))
                .containsExactly("items[0].quantity");
        assertThat(errors("add_to_cart", e -> ((ObjectNode) e.get("items").get(0)).put("price", -1)))
                .containsExactly("items[0].price");
        assertThat(errors("add_to_cart", e -> e.put("value", "89.90"))).containsExactly("value");
        assertThat(errors("purchase", e -> e.put("currency", "EURO"))).containsExactly("currency");
        assertThat(errors("purchase", e -> e.put("currency", "DEM"))).as("withdrawn currency")
                .containsExactly("currency");
    }

    @Test
    void aValueNeedsItsCurrencyOnEveryType() {
        List<FieldError> found = contract.validate(mutate("view_item", e -> e.remove("currency")));

        assertThat(fields(found)).containsExactly("currency");
        assertThat(found.get(0).reason()).isEqualTo("is required when value is present");
    }

    @Test
    void unknownTypesAreRefusedButNamespacedCustomTypesPass() {
        List<FieldError> unknown = contract.validate(mutate("page_view", e -> e.put("type", "pageview")));
        assertThat(fields(unknown)).contains("type");
        assertThat(unknown.get(0).reason()).contains("unknown event type 'pageview'").contains("namespace:name");

        assertThat(contract.validate(mutate("page_view", e -> e.put("type", "acme:store_locator_open")))).isEmpty();
        assertThat(errors("page_view", e -> e.put("type", "Acme:Open"))).contains("type");
    }

    @Test
    void aNonObjectEventIsRefused() {
        assertThat(contract.validate(JSON.createArrayNode())).extracting(FieldError::reason)
                .containsExactly("an event must be a JSON object");
    }

    private static List<String> errors(String type, Consumer<ObjectNode> change) {
        return fields(contract.validate(mutate(type, change)));
    }

    private static ObjectNode mutate(String type, Consumer<ObjectNode> change) {
        ObjectNode event = example(type);
        change.accept(event);
        return event;
    }

    private static ObjectNode example(String type) {
        return examples.get(type).deepCopy();
    }

    private static List<String> fields(List<FieldError> errors) {
        return errors.stream().map(FieldError::field).toList();
    }

}
