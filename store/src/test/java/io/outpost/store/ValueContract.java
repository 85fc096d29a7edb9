package io.outpost.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Values are opaque bytes: every read path gives back exactly the bytes written. */
abstract class ValueContract extends ContractSection {

    ValueContract(KvStoreContract backend) {
        super(backend);
    }

    record Value(String name, byte[] bytes) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Value> values() {
        byte[] everyByte = new byte[256];
        for (int i = 0; i < everyByte.length; i++) {
            everyByte[i] = (byte) i;
        }
        byte[] tenKilobytes = new byte[10 * 1024];
        new Random(42).nextBytes(tenKilobytes);
        return Stream.of(
                new Value("An empty value is stored as empty, not absent", new byte[0]),
                new Value("A value of one NUL byte is kept", new byte[] {0}),
                new Value("A value holding every byte 0x00 to 0xFF is kept byte for byte", everyByte),
                new Value("A value that is not UTF-8 is kept, not decoded",
                        new byte[] {(byte) 0xC3, 0x28, (byte) 0xFF, (byte) 0xFE}),
                new Value("A value with trailing spaces and newlines is kept", bytes("{\"a\": 1}\n \n")),
                new Value("A 10 KB random value is kept byte for byte", tenKilobytes));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("values")
    void everyReadOfAValueGivesBackTheBytesWritten(Value c) throws InterruptedException {
        try (Watch watch = store.watch("/v/", 0)) {
            KeyValue created = store.create("/v/k", c.bytes().clone());
            KeyValue replaced = store.update("/v/k", bytes("other"), created.modRevision());
            KeyValue restored = store.update("/v/k", c.bytes().clone(), replaced.modRevision());

            assertThat(created.value()).as("create's result").isEqualTo(c.bytes());
            assertThat(restored.value()).as("update's result").isEqualTo(c.bytes());
            assertThat(store.get("/v/k").orElseThrow().value()).as("get").isEqualTo(c.bytes());
            assertThat(store.get("/v/k", created.modRevision()).orElseThrow().value()).as("get at a revision")
                    .isEqualTo(c.bytes());
            assertThat(store.range(RangeRequest.all("/v/")).kvs().getFirst().value()).as("range").isEqualTo(c.bytes());
            var events = pollThrough(watch, restored.modRevision());
            assertThat(events.getFirst().kv().value()).as("a watch's PUT").isEqualTo(c.bytes());
            assertThat(events.get(1).prev().value()).as("a watch's previous value").isEqualTo(c.bytes());
            assertThat(store.delete("/v/k").previous().value()).as("delete's previous value").isEqualTo(c.bytes());
        }
    }
}
