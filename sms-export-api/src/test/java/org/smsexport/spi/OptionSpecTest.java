package org.smsexport.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.smsexport.ExportType;
import org.smsexport.FilterSpec;
import org.smsexport.support.FormatOptions;

class OptionSpecTest {

    private static final Locale GREEK = Locale.forLanguageTag("el");

    @Test
    void labelsFallBackToEnglishThenToTheKey() {
        OptionSpec o = OptionSpec.choice("line_ending", "crlf", "crlf", "lf").label("en", "Line endings").choiceLabel("lf", "el", "Unix (LF)");
        assertThat(o.label(GREEK)).isEqualTo("Line endings");
        assertThat(OptionSpec.choice("line_ending", "crlf", "crlf", "lf").label(GREEK)).isEqualTo("Line ending");
        assertThat(o.choiceLabel("lf", GREEK)).isEqualTo("Unix (LF)");
        assertThat(o.choiceLabel("lf", Locale.ENGLISH)).as("no English label: the value").isEqualTo("lf");
        assertThat(o.choiceLabel("crlf", GREEK)).isEqualTo("crlf");
    }

    @Test
    void aDescriptionThatCannotBeOfferedIsRefused() {
        assertThatThrownBy(() -> OptionSpec.choice("page_size", "a5", "a4", "letter")).hasMessageContaining("'a5'").hasMessageContaining("[a4, letter]");
        assertThatThrownBy(() -> OptionSpec.choice("page_size", "a4")).hasMessageContaining("without choices");
        assertThatThrownBy(() -> OptionSpec.bool("bom", true).choiceLabel("maybe", "en", "Maybe")).hasMessageContaining("'maybe'");
    }

    @Test
    void anOptionKnownByItsKeyAloneIsTextOrASecret() {
        assertThat(OptionSpec.text("sheet_name").kind()).isEqualTo(OptionSpec.Kind.TEXT);
        assertThat(OptionSpec.text("owner_password").kind()).isEqualTo(OptionSpec.Kind.SECRET);
        assertThat(OptionSpec.secret("password").defaultValue()).isEmpty();
        Exporter plain = new Exporter() {
            @Override
            public org.smsexport.ExportFormat format() {
                return new org.smsexport.ExportFormat("txt", "txt", "text/plain");
            }

            @Override
            public java.util.Set<String> options() {
                return java.util.Set.of("width", "password");
            }

            @Override
            public void write(ExportSchema schema, RowCursor rows, java.io.OutputStream out, ExportContext context) {
            }
        };
        assertThat(plain.optionSpecs()).isEmpty();
        assertThat(OptionSpec.describe(plain)).extracting(OptionSpec::key, OptionSpec::kind)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("password", OptionSpec.Kind.SECRET),
                        org.assertj.core.groups.Tuple.tuple("width", OptionSpec.Kind.TEXT));
    }

    @Test
    void formatOptionsReadsADescribedOptionWithItsDefaultAndChoices() {
        FormatOptions o = FormatOptions.of("pdf", Map.of("orientation", " Landscape ", "formula_guard", "perhaps"));
        assertThat(o.choice(FormatOptions.ORIENTATION)).isEqualTo("landscape");
        assertThat(o.choice(FormatOptions.PAGE_SIZE)).isEqualTo("a4");
        assertThat(o.bool(FormatOptions.FORMULA_GUARD)).isTrue();
        assertThatThrownBy(o::check).hasMessage("Option 'formula_guard' has value 'perhaps'; expected one of [true, false].");
        assertThat(FormatOptions.ORIENTATION.choiceLabel("landscape", GREEK)).isEqualTo("Οριζόντιος");
        assertThat(FormatOptions.PASSWORD.defaultValue()).isEqualTo(Optional.empty());
    }

    @Test
    void builtInFiltersAndTheirValuesHaveLabelsInEnglishAndGreek() {
        for (ExportType type : ExportType.builtIns()) {
            for (FilterSpec f : type.filters().values()) {
                for (Locale l : new Locale[] {Locale.ENGLISH, GREEK}) {
                    String label = type.filterLabel(f, l);
                    assertThat(label).as(type.name() + "." + f.key() + " in " + l).isNotEqualTo(f.key()).doesNotContain("_");
                    for (String v : f.allowedValues()) {
                        assertThat(type.filterChoiceLabel(f, v, l)).as(v).isNotBlank();
                        assertThat(type.filterChoiceLabel(f, v, GREEK)).as(v).isNotEqualTo(type.filterChoiceLabel(f, v, Locale.ENGLISH));
                    }
                }
                assertThat(type.filterLabel(f, GREEK)).as(type.name() + "." + f.key()).isNotEqualTo(type.filterLabel(f, Locale.ENGLISH));
            }
        }
        assertThat(ExportType.COURSES.filterLabel(ExportType.COURSES.filters().get("search"), GREEK)).isEqualTo("Κωδικός ή τίτλος περιέχει");
        assertThat(ExportType.STUDENTS.filterLabel(ExportType.STUDENTS.filters().get("search"), GREEK)).isEqualTo("Όνομα ή email περιέχει");
        ExportType own = ExportType.builder("teachers").columns(org.smsexport.Column.text("subject"))
                .filters(FilterSpec.equalTo("subject", org.smsexport.ColumnType.TEXT), FilterSpec.oneOf("contract", "full", "part"))
                .labels(Locale.ENGLISH, Map.of("subject", "Subject taught", "choice.contract.part", "Part-time"))
                .labels(GREEK, Map.of("filter.contract", "Σύμβαση")).build();
        assertThat(own.filterLabel(own.filters().get("subject"), GREEK)).as("the column's label").isEqualTo("Subject taught");
        assertThat(own.filterLabel(own.filters().get("contract"), GREEK)).isEqualTo("Σύμβαση");
        assertThat(own.filterLabel(own.filters().get("contract"), Locale.ENGLISH)).isEqualTo("Contract");
        assertThat(own.filterChoiceLabel(own.filters().get("contract"), "part", GREEK)).isEqualTo("Part-time");
        assertThat(own.filterChoiceLabel(own.filters().get("contract"), "full", GREEK)).isEqualTo("full");
    }
}
