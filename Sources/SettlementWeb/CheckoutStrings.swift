import PairPayCore

/// Every sentence of the checkout pages, in one language.
struct CheckoutStrings: Sendable {
    let checkoutTitle: String
    let merchant: String
    let order: String
    let total: String
    let items: String
    let item: String
    let itemCode: String
    let unitPrice: String
    let quantity: String
    let itemsNote: String
    let payByCard: String
    let cardNumber: String
    let expiry: String
    let expiryHint: String
    let securityCode: String
    let pay: String
    let orSignIn: String
    let userID: String
    let password: String
    let signIn: String
    let chooseCard: String
    let signedInAs: String
    let cardEnding: String
    let noVaultedCards: String
    let progressTitle: String
    let progressText: String
    let resultTitle: String
    let approved: String
    let notPaid: String
    let approvalCode: String
    let card: String
    let time: String
    let showToRegister: String
    let sendToStore: String
    let sentToStore: String
    let signedResult: String
    let errorTitle: String
    let unknownOrder: String
    let expiredOrder: String
    let alreadyPaid: String
    let alreadyClosed: String
    let wrongPassword: String
    let locked: String
    let tooMany: String
    let busy: String
    let invalidCard: String
    let formExpired: String
    let bankUnreachable: String
    let tryAgain: String
    let backToOrder: String
    let expiresAt: String
    let reasons: [SettlementReason: String]

    /// What a browser that did not pay is told of a decided order: paid, expired or closed.
    func closed(_ result: SettlementResult) -> String {
        if result.status == .approved { return alreadyPaid }
        return result.reason == .expired ? expiredOrder : alreadyClosed
    }

    /// The reason of a result in words.
    func reason(_ reason: SettlementReason) -> String { reasons[reason] ?? reason.rawValue }

    static let english = CheckoutStrings(
        checkoutTitle: "Pay this order", merchant: "Shop", order: "Order number", total: "Total",
        items: "Items", item: "Item", itemCode: "Code", unitPrice: "Unit price", quantity: "Qty",
        itemsNote: "Items as the shop registered them.",
        payByCard: "Pay by card", cardNumber: "Card number", expiry: "Expiry (MM/YY)", expiryHint: "MM/YY",
        securityCode: "Security code", pay: "Pay", orSignIn: "Or sign in to pay with a saved card",
        userID: "User ID", password: "Password", signIn: "Sign in", chooseCard: "Choose a saved card",
        signedInAs: "Signed in as", cardEnding: "Card ending", noVaultedCards: "You have no saved cards.",
        progressTitle: "Paying…", progressText: "The bank is being asked. This page refreshes by itself.",
        resultTitle: "Result", approved: "Paid", notPaid: "Not paid", approvalCode: "Approval code",
        card: "Card", time: "Time", showToRegister: "Show this code to the register's scanner.",
        sendToStore: "Send the result to the shop", sentToStore: "The shop has the result.",
        signedResult: "Signed result (for the shop)", errorTitle: "Cannot pay",
        unknownOrder: "This order is unknown. Check the code the register shows.",
        expiredOrder: "This order has expired. Ask the shop for a new code.",
        alreadyPaid: "This order has already been paid.",
        alreadyClosed: "This order is closed.",
        wrongPassword: "The user ID or the password is wrong.",
        locked:
            "Too many wrong passwords: this user is locked for a while. Pay by card instead, or try later.",
        tooMany: "Too many attempts from this device. Wait a minute and try again.",
        busy: "The server is busy. Try again in a moment.",
        invalidCard: "The card details are not valid",
        formExpired: "This form has expired. Open the order again.",
        bankUnreachable: "The bank cannot be reached. Nothing was charged. Try again later.",
        tryAgain: "Try again", backToOrder: "Back to the order", expiresAt: "Pay before",
        reasons: [
            .approved: "Approved", .declined: "Declined by the bank",
            .insufficientFunds: "Insufficient funds",
            .expiredCard: "The card has expired", .invalidCard: "The card number is not valid",
            .incorrectCVC: "The security code is wrong", .limitExceeded: "The card's limit is exceeded",
            .issuerUnavailable: "The bank cannot be reached; nothing was charged",
            .mismatch: "The order on this page differs from the shop's; nothing was charged",
            .expired: "The order expired", .cancelled: "The shop cancelled the order",
            .reversed: "The payment was reversed", .internalError: "The payment could not be completed",
        ])

    static let japanese = CheckoutStrings(
        checkoutTitle: "ご注文のお支払い", merchant: "店舗", order: "注文番号", total: "合計",
        items: "商品", item: "品名", itemCode: "コード", unitPrice: "単価", quantity: "数量",
        itemsNote: "店舗が登録した商品です。",
        payByCard: "カードで支払う", cardNumber: "カード番号", expiry: "有効期限（月/年）", expiryHint: "MM/YY",
        securityCode: "セキュリティコード", pay: "決済する", orSignIn: "ログインして登録済みのカードで支払う",
        userID: "ユーザーID", password: "パスワード", signIn: "ログイン", chooseCard: "登録済みのカードを選ぶ",
        signedInAs: "ログイン中", cardEnding: "下4桁", noVaultedCards: "登録済みのカードはありません。",
        progressTitle: "決済中…", progressText: "カード会社に確認しています。このページは自動で更新されます。",
        resultTitle: "決済結果", approved: "お支払い完了", notPaid: "お支払いできませんでした",
        approvalCode: "承認番号", card: "カード", time: "日時",
        showToRegister: "このコードをレジのスキャナーにかざしてください。",
        sendToStore: "結果を店舗に送る", sentToStore: "店舗に結果が届きました。",
        signedResult: "署名付きの結果（店舗用）", errorTitle: "お支払いできません",
        unknownOrder: "この注文は見つかりません。レジに表示されたコードを確認してください。",
        expiredOrder: "この注文は期限切れです。店舗に新しいコードを依頼してください。",
        alreadyPaid: "この注文はお支払い済みです。",
        alreadyClosed: "この注文は終了しています。",
        wrongPassword: "ユーザーIDまたはパスワードが違います。",
        locked: "パスワードの誤りが多すぎるため、しばらくロックされています。カードで支払うか、後でお試しください。",
        tooMany: "この端末からの試行が多すぎます。1分ほど待ってからお試しください。",
        busy: "サーバーが混み合っています。少し待ってからお試しください。",
        invalidCard: "カード情報が正しくありません", formExpired: "このフォームは期限切れです。注文を開き直してください。",
        bankUnreachable: "カード会社に接続できません。請求は発生していません。後でお試しください。",
        tryAgain: "もう一度", backToOrder: "注文に戻る", expiresAt: "お支払い期限",
        reasons: [
            .approved: "承認されました", .declined: "カード会社により拒否されました", .insufficientFunds: "残高不足です",
            .expiredCard: "カードの有効期限が切れています", .invalidCard: "カード番号が正しくありません",
            .incorrectCVC: "セキュリティコードが違います", .limitExceeded: "利用限度額を超えています",
            .issuerUnavailable: "カード会社に接続できません。請求は発生していません",
            .mismatch: "このページの注文が店舗の注文と異なります。請求は発生していません",
            .expired: "注文の期限が切れました", .cancelled: "店舗が注文を取り消しました",
            .reversed: "お支払いは取り消されました", .internalError: "お支払いを完了できませんでした",
        ])
}
