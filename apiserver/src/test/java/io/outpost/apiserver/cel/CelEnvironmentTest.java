package io.outpost.apiserver.cel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class CelEnvironmentTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final CelEnvironment ENV = CelEnvironment.of("self", "oldSelf", "object");

    private static final JsonNode POD =
            JSON.readTree(
                    """
                    {"metadata": {"name": "web", "labels": {"app": "web"}},
                      "spec": {"replicas": 3, "ratio": 0.5, "containers": [
                          {"name": "a", "image": "nginx:1.27", "resources": {"limits": {"memory": "128Mi"}}},
                          {"name": "b", "image": "busybox", "securityContext": {"privileged": true}}],
                          "nothing": null}}
                    """);

    record Case(String sentence, String expression, Object expected) {
        @Override
        public String toString() {
            return sentence;
        }
    }

    static Stream<Case> trueOrValue() {
        return Stream.of(
                new Case("a number from JSON is an int", "self.spec.replicas == 3", true),
                new Case("a fractional number is a double", "self.spec.ratio < 1.0", true),
                new Case("int and double compare", "self.spec.replicas > 2.5", true),
                new Case("JSON null is CEL null", "self.spec.nothing == null", true),
                new Case("has() tells a missing field", "!has(self.spec.hostNetwork) && has(self.metadata.labels)", true),
                new Case("all() over containers", "self.spec.containers.all(c, has(c.image))", true),
                new Case("exists() finds the privileged one",
                        "self.spec.containers.exists(c, has(c.securityContext) && c.securityContext.privileged)", true),
                new Case("a container without memory limits is found",
                        "self.spec.containers.all(c, has(c.resources) && has(c.resources.limits) && has(c.resources.limits.memory))", false),
                new Case("optional field selection with orValue", "self.spec.?hostNetwork.orValue(false)", false),
                new Case("optional index chain", "self.spec.containers[0].?resources.?limits.?memory.orValue('') == '128Mi'", true),
                new Case("strings extension", "self.metadata.name.upperAscii() + '-' + 'a,b'.split(',')[1]", "WEB-b"),
                new Case("matches is RE2", "self.spec.containers[0].image.matches('^nginx:[0-9.]+$')", true),
                new Case("find returns the first match", "'abc123def456'.find('[0-9]+')", "123"),
                new Case("findAll with a limit", "'a1b2c3'.findAll('[0-9]', 2) == ['1', '2']", true),
                new Case("quantity compares across suffixes", "quantity('1Gi').isGreaterThan(quantity('1000Mi'))", true),
                new Case("quantity arithmetic", "quantity('1.5').add(quantity('500m')).asInteger()", 2L),
                new Case("quantity of a container's memory limit",
                        "quantity(self.spec.containers[0].resources.limits.memory).compareTo(quantity('256Mi'))", -1L),
                new Case("isQuantity refuses nonsense", "isQuantity('12XB')", false),
                new Case("url parts", "url('https://example.com:8443/a%20b?x=1&x=2').getPort() == '8443' && url('https://example.com:8443/a%20b?x=1&x=2').getQuery()['x'] == ['1', '2']", true),
                new Case("an IP's family", "ip('fd00::1').family()", 6L),
                new Case("a CIDR contains an address", "cidr('10.0.0.0/8').containsIP('10.1.2.3') && !cidr('10.0.0.0/8').containsIP('11.0.0.1')", true),
                new Case("masked prefix", "cidr('192.168.1.7/24').masked().containsCIDR('192.168.1.0/25')", true),
                new Case("list isSorted", "[1, 2, 2, 5].isSorted() && ![3, 1].isSorted()", true),
                new Case("list sum", "[1, 2, 3].sum()", 6L),
                new Case("list max of strings", "['b', 'c', 'a'].max()", "c"),
                new Case("list indexOf", "[1, 2, 3, 2].lastIndexOf(2)", 3L),
                new Case("sets extension", "sets.contains(['a', 'b'], ['a'])", true),
                new Case("strings indexOf still works beside lists indexOf", "'abcb'.indexOf('b') + 'abcb'.lastIndexOf('b')", 4L),
                new Case("exists_one and map", "self.spec.containers.map(c, c.name).exists_one(n, n == 'a')", true),
                new Case("size of a map, a list and a string", "size(self.metadata.labels) + size(self.spec.containers) + size('abc')", 6L),
                new Case("durations compare", "duration('1h') > duration('30m')", true),
                new Case("timestamps compare", "timestamp('2024-01-01T00:00:00Z') < timestamp('2025-01-01T00:00:00Z')", true),
                new Case("conversions", "int('42') + int(2.9) == 44 && string(7) == '7'", true),
                new Case("ip.isCanonical", "ip.isCanonical('2001:db8::1') && !ip.isCanonical('2001:DB8::1')", true),
                new Case("transition rule with oldSelf", "self.spec.replicas >= oldSelf.spec.replicas", true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("trueOrValue")
    void evaluates(Case c) throws Exception {
        Object result = ENV.compile(c.expression()).evaluate(Map.of("self", POD, "oldSelf", POD));
        assertThat(result).isEqualTo(c.expected());
    }

    @Test
    void aSyntaxErrorIsReportedAsKubeDoes() {
        assertThatThrownBy(() -> ENV.compile("self.spec.replicas >"))
                .isInstanceOf(CelCompileException.class)
                .hasMessageStartingWith("ERROR: <input>:1:21: Syntax error:")
                .hasMessageContaining("| self.spec.replicas >");
    }

    @Test
    void anUndeclaredVariableDoesNotCompile() {
        assertThatThrownBy(() -> ENV.compile("request.userInfo.username == 'x'"))
                .isInstanceOf(CelCompileException.class)
                .hasMessageContaining("undeclared reference to 'request'");
    }

    @Test
    void aTypeErrorBetweenLiteralsDoesNotCompile() {
        assertThatThrownBy(() -> ENV.compile("'a' + 1"))
                .isInstanceOf(CelCompileException.class)
                .hasMessageContaining("found no matching overload for '_+_'");
    }

    @Test
    void aMissingKeyIsAnEvaluationError() throws Exception {
        CelExpression e = ENV.compile("self.spec.hostNetwork == true");
        assertThatThrownBy(() -> e.evaluate(Map.of("self", POD)))
                .isInstanceOf(CelEvaluationError.class)
                .hasMessageContaining("hostNetwork");
    }

    @Test
    void aNonBooleanResultIsAnErrorWhereABooleanIsNeeded() throws Exception {
        CelExpression e = ENV.compile("self.metadata.name");
        assertThatThrownBy(() -> e.evaluateBoolean(Map.of("self", POD)))
                .isInstanceOf(CelEvaluationError.class)
                .hasMessageContaining("expected bool, got string");
    }

    @Test
    void anEvaluationPastTheCostLimitStops() throws Exception {
        CelEnvironment small = CelEnvironment.of(java.util.Set.of("self"), 1_000);
        CelExpression e = small.compile("[1,2,3,4,5,6,7,8,9,10].all(a, [1,2,3,4,5,6,7,8,9,10].all(b, [1,2,3,4,5,6,7,8,9,10].all(c, a + b + c > 0)))");
        assertThatThrownBy(() -> e.evaluate(Map.of("self", POD)))
                .isInstanceOfSatisfying(CelEvaluationError.class, err -> assertThat(err.costLimitExceeded()).isTrue());
        assertThat(CelEnvironment.of("self").compile(e.source()).evaluate(Map.of("self", POD))).isEqualTo(true);
    }

    @Test
    void aBadQuantityIsAnEvaluationError() throws Exception {
        CelExpression e = ENV.compile("quantity(self.metadata.name).isInteger()");
        assertThatThrownBy(() -> e.evaluate(Map.of("self", POD)))
                .isInstanceOf(CelEvaluationError.class)
                .hasMessageContaining("quantities must match");
    }

    @Test
    void anInvalidRegexIsAnEvaluationError() throws Exception {
        CelExpression e = ENV.compile("self.metadata.name.matches('[')");
        assertThatThrownBy(() -> e.evaluate(Map.of("self", POD))).isInstanceOf(CelEvaluationError.class);
    }

    @Test
    void valuesRoundTripToJson() {
        assertThat(CelValues.toJson(CelValues.fromJson(POD)).toString()).isEqualTo(POD.toString());
    }
}
