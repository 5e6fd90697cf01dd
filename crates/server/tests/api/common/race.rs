//! What the race tests (races/, multi/) read and check of their answers.

/// A hosted form's answer: status, `Location` (empty if none) and text.
pub async fn form_answer(r: reqwest::Response) -> (u16, String, String) {
    let status = r.status().as_u16();
    let loc = r
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, loc, r.text().await.unwrap())
}

/// Racing approvals and cancellations of one redirect source: exactly one
/// `303` winner, every other answer `400 source_state_invalid`. Whether the
/// winner approved (its `Location` is the shop's return URL).
#[track_caller]
pub fn one_redirect_winner(round: usize, answers: &[(u16, String, String)]) -> bool {
    let winners: Vec<_> = answers.iter().filter(|a| a.0 == 303).collect();
    assert_eq!(winners.len(), 1, "round {round}: {answers:?}");
    for (status, _, body) in answers.iter().filter(|a| a.0 != 303) {
        assert_eq!(*status, 400, "{body}");
        assert!(body.contains("source_state_invalid"), "{body}");
    }
    winners[0].1.starts_with("https://shop.example/return")
}
