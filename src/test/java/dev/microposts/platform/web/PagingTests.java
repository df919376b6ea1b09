package dev.microposts.platform.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.microposts.platform.core.FieldError;
import org.junit.jupiter.api.Test;

class PagingTests {

    @Test
    void defaultsToTwentyFromTheNewest() {
        Paging.Page page = Paging.page(null, null);
        assertThat(page.limit()).isEqualTo(20);
        assertThat(page.beforeOrMax()).isEqualTo(Long.MAX_VALUE);
        assertThat(page.fetchSize()).isEqualTo(21);
    }

    @Test
    void acceptsOneToOneHundred() {
        assertThat(Paging.page("1", null).limit()).isEqualTo(1);
        assertThat(Paging.page("100", "42").limit()).isEqualTo(100);
        assertThat(Paging.page("100", "42").before()).isEqualTo(42L);
    }

    @Test
    void rejectsLimitsOutOfRangeOrNotNumbers() {
        for (String bad : new String[] {"0", "101", "-5", "ten", "", "2.5", "99999999999"}) {
            assertThatThrownBy(() -> Paging.page(bad, null))
                    .isInstanceOfSatisfying(ApiProblem.class, p -> assertThat(p.errors())
                            .extracting(FieldError::field)
                            .containsExactly("limit"));
        }
    }

    @Test
    void rejectsForeignCursors() {
        for (String bad : new String[] {"abc", "0", "-1", ""}) {
            assertThatThrownBy(() -> Paging.page(null, bad))
                    .isInstanceOfSatisfying(ApiProblem.class, p -> assertThat(p.errors())
                            .extracting(FieldError::field)
                            .containsExactly("cursor"));
        }
    }
}
