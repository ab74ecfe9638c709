package io.shoppulse.catalog.service;

import io.shoppulse.common.problem.ProblemException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The conditional-request rules, without a server. */
class PreconditionsTest {

    @Test
    void changingNeedsTheCurrentETag() {
        assertThat(status(() -> new Preconditions(null, null).requireMatch("P", 3))).isEqualTo(428);
        assertThat(status(() -> new Preconditions("\"2\"", null).requireMatch("P", 3))).isEqualTo(412);
        assertThat(status(() -> new Preconditions("3", null).requireMatch("P", 3))).isEqualTo(412);
        assertThatCode(() -> new Preconditions("\"3\"", null).requireMatch("P", 3)).doesNotThrowAnyException();
        assertThatCode(() -> new Preconditions("W/\"3\"", null).requireMatch("P", 3)).doesNotThrowAnyException();
        assertThatCode(() -> new Preconditions("\"1\", \"3\"", null).requireMatch("P", 3))
                .doesNotThrowAnyException();
        assertThatCode(() -> new Preconditions("*", null).requireMatch("P", 3)).doesNotThrowAnyException();
    }

    @Test
    void creatingCannotMatchAndIfNoneMatchMakesItCreateOnly() {
        assertThat(status(() -> new Preconditions("*", null).requireAbsent("P"))).isEqualTo(412);
        assertThatCode(() -> new Preconditions(null, "*").requireAbsent("P")).doesNotThrowAnyException();
        assertThat(status(() -> new Preconditions(null, "*").requirePresent("P"))).isEqualTo(412);
        assertThatCode(() -> new Preconditions(" ", " ").requirePresent("P")).doesNotThrowAnyException();
    }

    private static int status(Runnable check) {
        try {
            check.run();
        } catch (ProblemException e) {
            return e.status();
        }
        assertThatThrownBy(check::run).isInstanceOf(ProblemException.class);
        return 0;
    }
}
