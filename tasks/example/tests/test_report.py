from collections import Counter

from wordfreq import bigrams, count_words, format_report, summarize


def test_format_report_aligns_words_and_counts():
    report = format_report({"cat": 12, "hippo": 3}, title="Zoo")
    assert report == "Zoo\n===\n  cat       12\n  hippo      3\n"


def test_format_report_marks_words_with_a_highlighted_prefix():
    report = format_report({"cat": 2, "cow": 1, "dog": 1}, title="T", highlight=["ca", "do"])
    assert report == "T\n=\n* cat      2\n  cow      1\n* dog      1\n"


def test_format_report_of_no_counts_is_the_title_alone():
    assert format_report({}, title="Empty") == "Empty\n=====\n"


def test_format_report_of_corpus_bigrams_has_one_aligned_line_per_pair(corpus_words):
    pairs = count_words(" ".join(pair) for pair in bigrams(corpus_words))
    lines = format_report(pairs, highlight=["the ", "ka", "lo", "mi"]).splitlines()
    assert (len(lines), len({len(line) for line in lines[2:]})) == (len(pairs) + 2, 1)


def test_format_report_of_corpus_bigrams_marks_the_right_lines(corpus_words):
    pairs = count_words(" ".join(pair) for pair in bigrams(corpus_words))
    marked = [
        line.split()[1:3]
        for line in format_report(pairs, highlight=["ka", "of "]).splitlines()[2:]
        if line[0] == "*"
    ]
    assert [" ".join(words) for words in marked] == [
        p for p in pairs if p.startswith(("ka", "of "))
    ]


def test_summarize_reports_the_top_non_stopwords():
    text = "The cat sat. The cat ran! A dog sat, and a cat saw the dog."
    assert (
        summarize(text, n=3)
        == "Top 3 words\n===========\n  cat      3\n  dog      2\n  sat      2\n"
    )


def test_summarize_of_empty_text_is_a_bare_title():
    assert summarize("", n=5) == "Top 5 words\n===========\n"


def test_summarize_of_the_corpus_lists_the_most_frequent_content_words(
    corpus_text, corpus_words, stopwords
):
    counts = Counter(w for w in corpus_words if w not in stopwords)
    expected = sorted(counts, key=lambda w: (-counts[w], w))[:20]
    lines = summarize(corpus_text, n=20, highlight=["ka"]).splitlines()
    assert [line[2:].split()[0] for line in lines[2:]] == expected
