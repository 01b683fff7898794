/**
 * 自社サーバーがキューに入れる前に拒否したメール（NOQUEUE reject）の説明。受信側から見た文面。
 * プレースホルダー: {recipient}, {domain}（宛先の）, {sender}, {client}（送信元サーバー）, {reply}。
 */
export const refusal: Record<string, string> = {
  "refusal.userunknown.summary": "自社のサーバーがメールを拒否しました。{recipient} というメールボックスはこちらにありません。",
  "refusal.userunknown.action1": "送信者の方に宛先アドレスの綴りをご確認いただいてください。送信者には、この拒否がご自身のサーバーからエラーメールとして届いています。",
  "refusal.userunknown.action2": "{recipient} が存在するはずのアドレス（新しい方、エイリアスなど）であれば、メールシステムに追加してから再送をお願いしてください。",
  "refusal.mailboxfull.summary": "自社のサーバーがメールを拒否しました。{recipient} のメールボックスが満杯です。",
  "refusal.mailboxfull.action1": "受信者の方にメールの削除・整理をお願いするか、容量を増やしてください。恒久的なエラーだった場合、送信者に再送していただく必要があります。",
  "refusal.norelaying.summary": "自社のサーバーは、送信元 {client} からの {domain} 宛てのメールを中継しません。自社の端末ではないか、ログイン（認証）していません。",
  "refusal.norelaying.action1": "送信者が自社の利用者であれば、メールソフトでサブミッションポートと SMTP 認証を使って送信するよう設定してください。",
  "refusal.norelaying.action2": "送信者に心当たりがなければ、自社サーバーを不正中継に使おうとした試みです。拒否は正しい動作です。",
  "refusal.blocklisted.summary": "自社のサーバーが送信元サーバー {client} を拒否しました。自社サーバーが参照しているブロックリストに載っています。",
  "refusal.blocklisted.action1": "送信者側のメール管理者に、掲載の理由を確認して削除を依頼していただく必要があります（拒否メッセージにリスト名があります）。",
  "refusal.blocklisted.action2": "信頼できる既知の送信者であれば、掲載されている間だけ自社の管理者がそのサーバーを許可することもできます。",
  "refusal.greylisted.summary": "自社のサーバーが送信元サーバーに「後で再送してください」と応答しました（グレーリスティング）。知らないサーバーからの最初のメールでは通常の動作です。",
  "refusal.greylisted.action1": "しばらくお待ちください。通常のメールサーバーは数分以内に再送し、そのときは受け付けられます。ログに再送が現れない場合、送信元サーバーが再送しない（迷惑メール送信ソフトによくある）ということです。",
  "refusal.reverse-dns.summary": "自社のサーバーが送信元サーバー {client} を拒否しました。そのアドレスに正しい逆引き DNS 名がなく、自社サーバーはそれを必須にしています。",
  "refusal.reverse-dns.action1": "送信者側のメール管理者に、サーバーのアドレスにサーバー名を示す PTR レコードを設定し、その名前が同じアドレスを指すようにしていただく必要があります。",
  "refusal.sender-domain.summary": "自社のサーバーがメールを拒否しました。送信者アドレス {sender} のドメインが DNS で見つかりません。",
  "refusal.sender-domain.action1": "送信者にはご自身のアドレスを、送信者側の管理者にはドメインの DNS（存在し、MX か A レコードがあること）をご確認いただいてください。",
  "refusal.sender-auth.summary": "自社のサーバーがメールを拒否しました。送信者のドメインは、サーバー {client} からの送信を許可していません（SPF・DMARC）。",
  "refusal.sender-auth.action1": "送信者側の管理者に、送信サーバーをドメインの SPF レコードに加えるか、SPF に載っているサーバーから送信していただく必要があります。",
  "refusal.content.summary": "自社サーバーの内容のルール（迷惑メール・ウイルスのフィルター、ヘッダーや添付ファイルの検査）がメールを拒否しました。",
  "refusal.content.action1": "正当なメールだった場合、自社の管理者がどのルールで拒否されたかを確認し、例外が必要か検討してください。",
  "refusal.content.action2": "送信者には、疑わしい内容（リンク、実行ファイルやマクロ付きの添付など）を除いて再送していただけます。",
  "refusal.too-big.summary": "自社のサーバーがメールを拒否しました。自社サーバーが受け付ける大きさを超えています。",
  "refusal.too-big.action1": "送信者に添付ファイルを小さくするか、リンクで共有していただいてください。",
  "refusal.helo.summary": "自社のサーバーが送信元サーバー {client} を拒否しました。HELO/EHLO で名乗った名前が正しいホスト名ではありません。",
  "refusal.helo.action1": "送信者側のメール管理者に、サーバーのホスト名を DNS 上の正式な完全修飾名に設定していただく必要があります。",
  "refusal.other.summary": "自社のサーバーが次の応答でメールを拒否しました: {reply}",
  "refusal.other.action1": "自社の管理者が、この応答がどの制限によるものか、この送信者に対して意図したものかを確認してください。",
};
