package io.outpost.controllers.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class IndexesTest {

    record Case(String name, List<Integer> indexes, String text) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("No index is the empty string", List.of(), ""),
                new Case("One index is itself", List.of(4), "4"),
                new Case("Two neighbours are listed, not a range", List.of(3, 4), "3,4"),
                new Case("Three or more in a row are a range", List.of(0, 1, 2), "0-2"),
                new Case("Ranges and single indexes mix in order", List.of(1, 3, 4, 5, 7, 9, 10), "1,3-5,7,9,10"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void writesCompletedIndexesAsKubesIntervals(Case c) {
        assertThat(Indexes.format(new TreeSet<>(c.indexes()))).isEqualTo(c.text());
    }

    @ParameterizedTest
    @MethodSource("cases")
    void readsThemBack(Case c) {
        assertThat(Indexes.parse(c.text(), 100)).containsExactlyElementsOf(c.indexes());
    }

    @org.junit.jupiter.api.Test
    void readingDropsIndexesBeyondCompletionsAndMalformedParts() {
        SortedSet<Integer> read = Indexes.parse("1,x,3-6,9-8,12", 5);
        assertThat(read).containsExactly(1, 3, 4);
    }
}
