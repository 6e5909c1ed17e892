package dev.caravan.userstore.external;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.caravan.userstore.AuthenticatedUser;
import dev.caravan.userstore.Verification;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UserstoreMessagesTest {

    @Test
    void verifyRequestRoundTripsWithAwkwardCharacters() {
        String text = UserstoreMessages.verifyRequest("acme", "j\"a\\ne\n", "p\"w\u2028".toCharArray());
        UserstoreMessages.Request request = UserstoreMessages.parseRequest(text);
        assertThat(request.op()).isEqualTo("verify");
        assertThat(request.username()).isEqualTo("j\"a\\ne\n");
        assertThat(new String(request.password())).isEqualTo("p\"w\u2028");
        assertThat(request.toString()).doesNotContain("p\"w");
    }

    @Test
    void acceptedReplyCarriesRolesAndAttributesButNeverThePassword() {
        var user = new AuthenticatedUser("jane", "acme", "ldap", Set.of("staff"), Map.of("email", "j@x"));
        String reply = UserstoreMessages.reply(new Verification.Accepted(user));
        Verification parsed = UserstoreMessages.parseReply(reply, "acme", "jane");
        assertThat(parsed).isInstanceOf(Verification.Accepted.class);
        AuthenticatedUser back = ((Verification.Accepted) parsed).user();
        assertThat(back.roles()).containsExactly("staff");
        assertThat(back.attributes()).containsEntry("email", "j@x");
        assertThat(back.store()).isEqualTo("ldap");
    }

    @Test
    void aLookupReplySaysWhenTheStoreKnowsTheUserButCannotDescribeThem() {
        var undescribed = AuthenticatedUser.undescribed("max", "acme", "webservice", null);
        var parsed = UserstoreMessages.parseReply(UserstoreMessages.lookupReply(java.util.Optional.of(undescribed)),
                "acme", "max");
        AuthenticatedUser back = ((Verification.Accepted) parsed).user();
        assertThat(back.described()).isFalse();
        assertThat(back.roles()).isEmpty();
        assertThat(back.attributes()).isEmpty();

        var described = new AuthenticatedUser("lee", "acme", "ldap", Set.of("staff"), Map.of());
        String reply = UserstoreMessages.lookupReply(java.util.Optional.of(described));
        assertThat(reply).doesNotContain("described");
        assertThat(((Verification.Accepted) UserstoreMessages.parseReply(reply, "acme", "lee")).user().described())
                .as("a reply without the flag, as an older agent sends it, is a described user").isTrue();
    }

    @Test
    void replyCannotRenameTheUser() {
        String reply = "{\"outcome\":\"accepted\",\"user\":{\"username\":\"admin\",\"roles\":[]}}";
        var parsed = (Verification.Accepted) UserstoreMessages.parseReply(reply, "acme", "jane");
        assertThat(parsed.user().username()).isEqualTo("jane");
        assertThat(parsed.user().organization()).isEqualTo("acme");
    }

    @Test
    void replyCarriesTheStoresSpellingOfTheNameAndThePinnedSubject() {
        var user = new AuthenticatedUser("jane", "acme", "ldap", Set.of(), Map.of(), "entryUUID/5b0e-11");
        String reply = UserstoreMessages.reply(new Verification.Accepted(user));
        var parsed = (Verification.Accepted) UserstoreMessages.parseReply(reply, "acme", "JANE");
        assertThat(parsed.user().username()).as("the store's case rule").isEqualTo("jane");
        assertThat(parsed.user().subject()).isEqualTo("entryUUID/5b0e-11@acme");
        var looked = UserstoreMessages.parseReply(UserstoreMessages.lookupReply(java.util.Optional.of(user)), "acme", "jane");
        assertThat(((Verification.Accepted) looked).user().subject()).isEqualTo("entryUUID/5b0e-11@acme");
    }

    @Test
    void aPinnedSubjectWithoutTheAttributeShapeIsRefused() {
        for (String pinned : new String[] {"admin", "/x", "a/b\u0000", ""}) {
            String reply = "{\"outcome\":\"accepted\",\"user\":{\"username\":\"jane\",\"pinnedSubject\":\""
                    + pinned + "\"}}";
            assertThat(UserstoreMessages.parseReply(reply, "acme", "jane")).as(pinned)
                    .isInstanceOf(Verification.Unavailable.class);
        }
    }

    @Test
    void malformedReplyIsUnavailableNeverRejected() {
        assertThat(UserstoreMessages.parseReply("not json", "a", "b")).isInstanceOf(Verification.Unavailable.class);
        assertThat(UserstoreMessages.parseReply("{}", "a", "b")).isInstanceOf(Verification.Unavailable.class);
        assertThat(UserstoreMessages.parseReply("{\"outcome\":\"maybe\"}", "a", "b"))
                .isInstanceOf(Verification.Unavailable.class);
    }

    @Test
    void malformedRequestsAreRefused() {
        assertThatThrownBy(() -> UserstoreMessages.parseRequest("[]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UserstoreMessages.parseRequest("{\"op\":\"verify\",\"organization\":\"a\",\"username\":\"b\"}"))
                .hasMessageContaining("password");
        assertThatThrownBy(() -> UserstoreMessages.parseRequest("{\"op\":\"drop\",\"organization\":\"a\",\"username\":\"b\"}"))
                .hasMessageContaining("unknown op");
    }
}
