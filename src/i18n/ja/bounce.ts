/**
 * エラーメール (バウンス) の説明: 理由ごとの要約と対処 (最大 3 つ)。
 * 診断テキストによって対応すべき人が変わる場合 (匿名メールの拒否、SPF、中継) は別の説明を使います。
 * プレースホルダー: {recipient}, {domain}, {status}
 */
export const bounce = {
  "bounce.class.permanent": "恒久的なエラーです ({status})。このメールが再送されることはありません。",
  "bounce.class.transient": "一時的なエラーです ({status})。送信サーバーがしばらくの間、自動で再送を続けます。",
  "bounce.action.wait": "まずはお待ちください。サーバーが自動で再送します。数時間たっても解消しない場合や、最終的な配送失敗の通知が届いた場合に対応してください。",

  "bounce.reason.userunknown.summary": "{domain} に {recipient} というメールボックスは存在しません。",
  "bounce.reason.userunknown.action1": "宛先アドレスに入力ミスがないかご確認ください。似た綴り (sya と sha、ra と la)、- と _ の取り違え、文字の抜けや重複がよくある原因です。",
  "bounce.reason.userunknown.action2": "電話や名刺など別の手段で、受信者の方に正しいアドレスをご確認ください。",
  "bounce.reason.userunknown.action3": "以前は届いていたアドレスであれば、アカウントが削除された可能性があります。アドレス帳や配信リストから削除してください。",

  "bounce.reason.hostunknown.summary": "ドメイン {domain} が存在しないか、メールサーバーが設定されていません。",
  "bounce.reason.hostunknown.action1": "@ より後ろのドメイン部分の綴りをご確認ください (ドットの代わりにカンマ、.co.jp と .jp の違い、文字の抜けなど)。",
  "bounce.reason.hostunknown.action2": "ドメインの DNS (NXDOMAIN かどうか、MX レコード) を mailtrace check {domain} などでご確認ください。",
  "bounce.reason.hostunknown.action3": "最近まで使えていたドメインであれば、期限切れや移転がなかったか受信者の方にお問い合わせください。",

  "bounce.reason.mailboxfull.summary": "{recipient} のメールボックスが容量の上限に達しています。",
  "bounce.reason.mailboxfull.action1": "別の手段で受信者の方に容量がいっぱいであることをお伝えください。受信者側で不要なメールを削除するか、容量を増やしていただく必要があります。",
  "bounce.reason.mailboxfull.action2": "受信者側で空きができてから、あらためて送信してください。",

  "bounce.reason.filtered.summary": "受信者側の設定 (受信フィルター、許可・拒否リスト、携帯電話会社の迷惑メール設定など) によって受信を拒否されました。",
  "bounce.reason.filtered.action1": "受信者の方に、こちらのアドレスまたはドメインを受信許可に加えていただくようご依頼ください (携帯電話のアドレスでよく起こります)。",
  "bounce.reason.filtered.action2": "受信者の方からアドレス自体が違うと言われた場合は、宛先不明として入力ミスをご確認ください。",

  "bounce.reason.rejected.summary": "受信サーバーが拒否したのは宛先ではなく、こちらのエンベロープ送信者 (MAIL FROM のアドレス) です。",
  "bounce.reason.rejected.action1": "送信者アドレスとそのドメインが実在し、DNS (MX または A レコード) で引けることをご確認ください。",
  "bounce.reason.rejected.action2": "送信者アドレスやドメインが受信者側の拒否リストに入っていないか確認し、必要であれば先方の管理者に許可を依頼してください。",
  "bounce.reason.rejected.action3": "送信者が空のメール (エラー通知や自動応答) を拒否するサーバーもあります。送信システムの設定をご確認ください。",

  "bounce.reason.blocked.summary": "受信サーバーが、こちらの送信サーバー (IP アドレスまたはホスト名) からの接続を拒否しました。多くはブラックリスト (RBL) への登録が原因です。",
  "bounce.reason.blocked.action1": "エラーに記載されたブラックリスト (Spamhaus、Barracuda、SpamCop など) で当方の送信 IP アドレスを確認し、登録されていれば解除を申請してください。",
  "bounce.reason.blocked.action2": "解除の前に原因を取り除いてください。乗っ取られたアカウントや、当方のサーバー経由で迷惑メールを送っている機器がないかご確認ください。",
  "bounce.reason.blocked.action3": "当方サーバーの HELO 名と逆引き DNS (PTR) が一致し、正しく引けることをご確認ください。",

  "bounce.reason.badreputation.summary": "当方の送信 IP アドレスまたはドメインの評価 (レピュテーション) が低いため、受信側のプロバイダーに拒否または保留されました。",
  "bounce.reason.badreputation.action1": "プロバイダーの postmaster ツールやブラックリストで当方の IP とドメインの評価を確認し、登録されていれば解除を申請してください。",
  "bounce.reason.badreputation.action2": "苦情を減らしてください。希望者にだけ送り、エラーになるアドレスはリストから外し、配信停止を簡単にできるようにします。",
  "bounce.reason.badreputation.action3": "送信ドメインの SPF、DKIM、DMARC が正しく通ることをご確認ください。",

  "bounce.reason.requireptr.summary": "受信サーバーは、当方の送信 IP アドレスに正しい逆引き DNS (PTR) が設定されていることを求めています。",
  "bounce.reason.requireptr.action1": "IP アドレスの管理者 (ISP やホスティング事業者) に、当方のメールサーバー名を返す PTR レコードの設定を依頼してください。",
  "bounce.reason.requireptr.action2": "その名前を正引きすると同じ IP アドレスに戻ること、また HELO 名と一致することをご確認ください。",

  "bounce.reason.spamdetected.summary": "受信サーバーにより、このメールは迷惑メールと判定されました。",
  "bounce.reason.spamdetected.action1": "本文をご確認ください。短縮 URL、文字のない大きな画像、不審な添付ファイルを外し、簡素な内容で送ってみてください。",
  "bounce.reason.spamdetected.action2": "送信ドメインの SPF、DKIM、DMARC が正しく通ることをご確認ください。",
  "bounce.reason.spamdetected.action3": "正当なメールであれば、受信者の方にこちらのアドレスを受信許可に加えていただくようご依頼ください。",

  "bounce.reason.virusdetected.summary": "受信側のウイルス・マルウェア検査によってメールが拒否されました。",
  "bounce.reason.virusdetected.action1": "送信したパソコンで、最新の状態のウイルス対策ソフトを使って添付ファイルを検査してください。",
  "bounce.reason.virusdetected.action2": "問題がなければ、ファイル共有のリンクなど別の方法や別の形式でお送りください。実行ファイルやマクロ付きのファイルは拒否されやすいです。",

  "bounce.reason.policyviolation.summary": "受信側組織のポリシー (添付ファイルの種類、メーリングリストの参加者制限、内容の規則など) に反したため拒否されました。",
  "bounce.reason.policyviolation.action1": "エラー本文に記載された規則をご確認のうえ、該当する添付ファイルや内容を外して送り直してください。",
  "bounce.reason.policyviolation.action2": "本文から理由が分からない場合は、受信者側の管理者にどのポリシーで拒否されたかお問い合わせください。",

  "bounce.reason.securityerror.summary": "受信サーバーがセキュリティ上の理由 (認証、暗号化、アクセス規則) でメールを拒否しました。",
  "bounce.reason.securityerror.action1": "エラー本文をご確認ください。多くの場合、不足している認証や証明書が記載されています。",
  "bounce.reason.securityerror.action2": "当方の送信サーバー自身が拒否している場合は、メールソフトの SMTP 認証の設定をご確認ください。",

  "bounce.reason.authfailure.summary": "受信サーバーでの送信者認証 (SPF、DKIM、DMARC) に失敗しました。",
  "bounce.reason.authfailure.action1": "送信ドメインの SPF レコードに、そのドメインで送信するすべてのサーバーが含まれているか mailtrace check などでご確認ください。",
  "bounce.reason.authfailure.action2": "送信メールに DKIM 署名が付き、その公開鍵が DNS に公開されていること、DMARC のポリシーが実際の送信方法に合っていることをご確認ください。",
  "bounce.reason.authfailure.action3": "転送やメーリングリストを経由すると SPF が失敗することがあります。宛先アドレスが別のアドレスへ転送されていないか受信者の方にご確認ください。",

  "bounce.reason.expired.summary": "配送の失敗が続き、キューでの保持期限が過ぎたため送信をあきらめました。",
  "bounce.reason.expired.action1": "受信者側のメールサーバーが停止していないか、接続できない状態 (MX、ファイアウォール、ネットワーク) でないかご確認ください。",
  "bounce.reason.expired.action2": "配送ログで、それまでの遅延の記録から再送の本当の原因をご確認ください。",
  "bounce.reason.expired.action3": "受信者側のサーバーが応答するようになってから、あらためて送信してください。",

  "bounce.reason.suspend.summary": "{recipient} のアカウントは存在しますが、停止または無効化されています。",
  "bounce.reason.suspend.action1": "別の手段で受信者の方にご連絡ください。料金未払い、ロック、または使われなくなったアカウントの可能性があります。",
  "bounce.reason.suspend.action2": "アカウントが再開されるまでは、この受信者の別のアドレスをお使いください。",

  "bounce.reason.norelaying.summary": "サーバーがメールの中継を拒否しました。そのサーバーは当方からの {domain} 宛てのメールを受け付けていません。",
  "bounce.reason.norelaying.action1": "ドメインの MX レコードが正しいサーバーを指しているかご確認ください。誤った MX や古い MX が原因であることが多いです。",
  "bounce.reason.norelaying.action2": "受信者側の管理者に、そのサーバーで {domain} 宛てのメールを受け付けるよう設定を依頼してください。",

  "bounce.reason.toomanyconn.summary": "受信サーバーの制限により拒否されました。同時接続数または 1 通あたりの宛先数が多すぎます。",
  "bounce.reason.toomanyconn.action1": "この宛先への同時接続数と、1 通あたりの宛先数を減らしてください。",
  "bounce.reason.toomanyconn.action2": "時間をおいて再送してください。大量の宛先は小分けにして送ってください。",

  "bounce.reason.speeding.summary": "受信サーバーの送信速度制限にかかりました。短時間に送りすぎています。",
  "bounce.reason.speeding.action1": "この宛先への送信ペース (1 分あたり、1 接続あたりの通数) を落としてください。",
  "bounce.reason.speeding.action2": "特定のアカウントから急に送信量が増えていないかご確認ください。アカウントの乗っ取りの可能性があります。",

  "bounce.reason.systemerror.summary": "受信側のメールシステムで内部エラーが起きているか、設定に誤りがあります。",
  "bounce.reason.systemerror.action1": "時間をおいて再送してください。この種のエラーは一時的なことが多いです。",
  "bounce.reason.systemerror.action2": "繰り返し発生する場合は、受信者の方にお伝えし、先方の管理者に対応を依頼してください (エラー本文に原因が記載されています)。",

  "bounce.reason.mailererror.summary": "受信者のメールボックスへ配送するプログラム (procmail、パイプ、スクリプトなど) が失敗しました。",
  "bounce.reason.mailererror.action1": "受信者側の管理者にお伝えください。ローカル配送プログラムまたはそのフィルター設定の修正が必要です。",
  "bounce.reason.mailererror.action2": "修正が済んだと連絡があってから再送してください。",

  "bounce.reason.networkerror.summary": "サーバー間の DNS またはネットワークの問題 (名前解決の失敗、メールのループ、到達できないホスト) により配送できませんでした。",
  "bounce.reason.networkerror.action1": "宛先ドメインの DNS (MX、A/AAAA レコード) を mailtrace check {domain} でご確認ください。",
  "bounce.reason.networkerror.action2": "当方の DNS リゾルバーと外向きのネットワークもご確認ください。このドメインだけが失敗する場合は先方側の問題です。",

  "bounce.reason.contenterror.summary": "受信サーバーがメールの形式 (ヘッダー、エンコード、MIME 構造) を受け付けられませんでした。",
  "bounce.reason.contenterror.action1": "別のメールソフトから、またはテキスト形式で送り直してください。ヘッダーやエンコードを正しく作れないソフトがあります。",
  "bounce.reason.contenterror.action2": "アプリケーションが作ったメールであれば、その開発元にメール形式の修正を依頼してください。",

  "bounce.reason.exceedlimit.summary": "この受信者に設定された上限 (サイズやヘッダーの大きさ) を超えました。",
  "bounce.reason.exceedlimit.action1": "メールを小さくしてください。大きなファイルはファイル共有サービスに置き、リンクをお送りください。",
  "bounce.reason.exceedlimit.action2": "受信できるサイズを受信者の方にご確認ください。",

  "bounce.reason.syntaxerror.summary": "当方のサーバーが送ったコマンドを受信サーバーが理解できませんでした (SMTP プロトコルのエラー)。",
  "bounce.reason.syntaxerror.action1": "当方のメールサーバーのログで失敗したコマンドをご確認ください。当方のソフトウェアや設定が原因であることが多いです。",
  "bounce.reason.syntaxerror.action2": "この宛先だけで起こる場合は、エラー本文を添えて先方の管理者にお伝えください。",

  "bounce.reason.mesgtoobig.summary": "メールのサイズが受信サーバーの上限を超えています。",
  "bounce.reason.mesgtoobig.action1": "添付ファイルはファイル共有サービスのリンクでお送りいただくか、圧縮・分割してください。",
  "bounce.reason.mesgtoobig.action2": "添付ファイルはメールで送ると約 3 割大きくなることにご注意ください。",

  "bounce.reason.notaccept.summary": "ドメイン {domain} はメールを一切受け付けていません (Null MX、またはメールサービスなし)。",
  "bounce.reason.notaccept.action1": "アドレスをご確認ください。ウェブサイト専用のドメインか、別のドメインの打ち間違いの可能性があります。",
  "bounce.reason.notaccept.action2": "メールを受信できるアドレスを受信者の方にお問い合わせください。",

  "bounce.reason.notcompliantrfc.summary": "メールがインターネットメールの形式 (RFC 5322) に違反しています (ヘッダーの重複や不正な形式など)。",
  "bounce.reason.notcompliantrfc.action1": "メールを作成したプログラム (メールソフト、ウェブアプリ、スクリプト) で From、Subject、Date などのヘッダーが重複していないかご確認ください。",
  "bounce.reason.notcompliantrfc.action2": "一般的なメールソフトからテスト送信し、宛先自体に問題がないことをご確認ください。",

  "bounce.reason.onhold.summary": "エラーメールからは配送に失敗した理由がはっきり分かりません。",
  "bounce.reason.onhold.action1": "診断テキストと、その時刻の配送ログをご確認ください。",
  "bounce.reason.onhold.action2": "再発する場合は、エラー本文と時刻を添えて受信者側の管理者にお問い合わせください。",

  "bounce.reason.vacation.summary": "これは自動応答 (不在通知など) で、配送エラーではありません。",
  "bounce.reason.vacation.action1": "対応は不要です。メールは届いており、受信者の方から後ほど返信があるかもしれません。",

  "bounce.reason.feedback.summary": "メールボックス事業者から苦情が転送されました。受信者が当方のメールを迷惑メールまたは不正なメールとして報告しています。",
  "bounce.reason.feedback.action1": "報告した受信者 ({recipient}) への送信を止め、配信リストから外してください。",
  "bounce.reason.feedback.action2": "本当に当方が送った、受信者が希望したメールか確認してください。苦情が多いと当方の送信評価が下がります。",

  "bounce.reason.delivered.summary": "メールは正常に配送されました。これは配送完了の通知で、エラーではありません。",
  "bounce.reason.delivered.action1": "対応は不要です。",

  "bounce.reason.failedstarttls.summary": "必要な暗号化接続 (STARTTLS) を確立できなかったため、配送に失敗しました。",
  "bounce.reason.failedstarttls.action1": "当方サーバーの TLS 設定と証明書、およびこのドメインに TLS を必須とするポリシーになっていないかご確認ください。",
  "bounce.reason.failedstarttls.action2": "受信者側のサーバーが TLS に対応していないか証明書に問題がある場合は、先方の管理者にお伝えください。",

  "bounce.reason.hasmoved.summary": "アドレス {recipient} は移転しており、メールは転送されません。",
  "bounce.reason.hasmoved.action1": "受信者の方に新しいアドレスをお問い合わせください。エラー本文に記載されていることもあります。",
  "bounce.reason.hasmoved.action2": "アドレス帳や配信リストを新しいアドレスに更新してください。",

  "bounce.reason.systemfull.summary": "受信側のメールシステムの記憶領域が不足しています。",
  "bounce.reason.systemfull.action1": "時間をおいて再送してください。受信者側の管理者が空き容量を確保する必要があります。",
  "bounce.reason.systemfull.action2": "1 日たっても解消しない場合は、別の手段で受信者の方にお伝えください。",

  "bounce.reason.undefined.summary": "配送に失敗した理由を特定できませんでした。",
  "bounce.reason.undefined.action1": "エラーメール全体と、そのメールの配送ログをご確認ください。",
  "bounce.reason.undefined.action2": "時刻とエラー本文を添えて、受信者側の管理者にお問い合わせください。",

  "bounce.variant.anonymous.summary": "受信サーバーが、認証していない (匿名の) 送信者からのメールを拒否しました。インターネットからメールを受け取るサーバーは認証なしで受け付ける必要があるため、受信者側の設定に問題があります。",
  "bounce.variant.anonymous.action1": "受信者の方にお伝えください。{domain} のメールを受け取るサーバーで匿名の受信を許可するよう、先方の管理者による設定が必要です (Exchange では受信コネクタのアクセス許可グループ)。",
  "bounce.variant.anonymous.action2": "{domain} の MX レコードが送信専用のサーバーではなく、受信用のサーバーを指しているかご確認ください。",
  "bounce.variant.spf.summary": "当方の送信ドメインの SPF 検査に失敗したため、受信サーバーに拒否されました。",
  "bounce.variant.spf.action1": "送信ドメインの SPF レコードに、そのドメインで送信するすべてのサーバーとサービスが含まれているか mailtrace check でご確認ください。",
  "bounce.variant.spf.action2": "レコードを修正したら、DNS の TTL が過ぎるのを待ってから再送してください。",
  "bounce.variant.relay-auth.summary": "送信元のメールソフトが認証していないため、当方の送信サーバーが中継を拒否しました。",
  "bounce.variant.relay-auth.action1": "メールソフトで SMTP 認証 (送信サーバーのユーザー名とパスワード) を有効にしてください。",
  "bounce.variant.relay-auth.action2": "メールソフトの送信サーバー名とポート番号 (587 番で STARTTLS、または 465 番) をご確認ください。",
} satisfies Record<string, string>;
