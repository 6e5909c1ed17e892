package dev.caravan.userstore;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one definition of a username's normalized form, its lower-case form and its comparison key. */
class UsernamesTest {

    @Test
    void normalizingTrimsCollapsesWhiteSpaceAndComposes() {
        assertThat(Usernames.normalize(" ada ")).isEqualTo("ada");
        assertThat(Usernames.normalize("BOB   SMITH")).isEqualTo("BOB SMITH");
        assertThat(Usernames.normalize("\u00a0bob\u2003\u3000smith\u202f")).as("every kind of space").isEqualTo("bob smith");
        assertThat(Usernames.normalize("zoe\u0308")).as("NFD becomes NFC").isEqualTo("zo\u00eb");
        assertThat(Usernames.normalize("\u212bngstr\u00f6m")).as("the Angstrom sign composes to \u00c5")
                .isEqualTo("\u00c5ngstr\u00f6m");
        assertThat(Usernames.normalize("jane@example.com")).isEqualTo("jane@example.com");
    }

    @Test
    void controlInvisibleFormatPrivateUseAndUnassignedCharactersAreRefused() {
        for (String refused : new String[] {"ada\u0000", "ada\t", "a\nda", "ad\u007fa", "a\u0085da", "ad\u200ba",
                "\u202eada", "ada\u2066", "\ufeffada", "a\u00adda", "ada\ue000", "ada\ud800", "ada\uffff"}) {
            assertThat(Usernames.normalize(refused)).as("%s", refused.codePoints().boxed().toList()).isNull();
        }
        assertThat(Usernames.normalize("   ")).isNull();
        assertThat(Usernames.normalize("")).isNull();
        assertThat(Usernames.normalize(null)).isNull();
    }

    @Test
    void joinersThatScriptsNeedAreKept() {
        String persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645";
        assertThat(Usernames.normalize(persian)).isEqualTo(persian);
    }

    @Test
    void lowerCaseIsLocaleIndependent() {
        assertThat(Usernames.lowerCase("ADA")).isEqualTo("ada");
        assertThat(Usernames.lowerCase("TITLE")).as("no Turkish dotless i, whatever the default locale")
                .isEqualTo("title");
        assertThat(Usernames.lowerCase("ZO\u00cb")).isEqualTo("zo\u00eb");
    }

    @Test
    void theKeyJoinsEverySpellingADirectoryIgnoringCaseWouldJoin() {
        String ada = Usernames.key("ada");
        for (String spelling : new String[] {"ADA", "Ada", "\uff21\uff24\uff21", "a\u00adda", "ad\u200da", "ada\ufe0f"}) {
            assertThat(Usernames.key(spelling)).as(spelling).isEqualTo(ada);
        }
        assertThat(Usernames.key("STRASSE")).isEqualTo(Usernames.key("stra\u00dfe"));
        assertThat(Usernames.key("\ufb01ona")).isEqualTo(Usernames.key("FIONA"));
        assertThat(Usernames.key("bob smith")).isNotEqualTo(Usernames.key("bobsmith"));
        assertThat(Usernames.key("ada")).isNotEqualTo(Usernames.key("ada2"));
    }

    @Test
    void aLoginNameIsSplitOnTheLastAtAndBothPartsAreNormalized() {
        LoginName name = LoginName.parse(" jane@example.com @ acme ", "other");
        assertThat(name.username()).isEqualTo("jane@example.com");
        assertThat(name.organization()).isEqualTo("acme");
        assertThat(LoginName.parse("jane", "acme").organization()).isEqualTo("acme");
        assertThat(LoginName.parse("ja\u0000ne@acme", "acme").valid()).isFalse();
        assertThat(LoginName.parse("@acme", "acme").valid()).isFalse();
        assertThat(LoginName.parse("jane@", "acme").valid()).isFalse();
        assertThat(LoginName.parse("jane", null).valid()).isFalse();
    }

    @Test
    void everySpellingOfOneAccountHasOneThrottleKey() {
        String key = LoginName.parse("load5@corp", "corp").throttleKey();
        for (String spelling : new String[] {" load5@corp", "load5 @corp", "LOAD5@corp", "load5", "load5@ corp",
                "\uff4c\uff4f\uff41\uff445@corp"}) {
            assertThat(LoginName.parse(spelling, "corp").throttleKey()).as(spelling).isEqualTo(key);
        }
        assertThat(LoginName.parse("load5@other", "corp").throttleKey()).isNotEqualTo(key);
        assertThat(LoginName.parse("load5\u0000@corp", "corp").throttleKey()).isNotEqualTo(key);
        assertThat(LoginName.throttleKey(" ADMIN")).isEqualTo(LoginName.throttleKey("admin"));
    }
}
