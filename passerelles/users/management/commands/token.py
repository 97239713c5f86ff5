"""`passerelles token create EMAIL [--name NAME]`: issue a personal API token and print its
key (shown once; only a digest is stored). `passerelles token list EMAIL` lists the active
tokens; `passerelles token revoke EMAIL PREFIX` revokes one."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from passerelles.users.models import ApiToken, User


class Command(BaseCommand):
    help = "Crée, liste ou révoque les jetons d'API personnels d'un compte."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help=_("créer un jeton et afficher sa clé"))
        create.add_argument("email")
        create.add_argument("--name", default=_("ligne de commande"))
        listing = sub.add_parser("list", help=_("lister les jetons actifs"))
        listing.add_argument("email")
        revoke = sub.add_parser("revoke", help=_("révoquer un jeton par son début"))
        revoke.add_argument("email")
        revoke.add_argument("prefix")

    def handle(self, *args, action, email, **options):
        try:
            user = User.objects.get(email__iexact=email.strip())
        except User.DoesNotExist:
            raise CommandError(
                _("Aucun compte avec l'adresse %(email)s.") % {"email": email}
            ) from None
        if not user.is_active:
            raise CommandError(_("Le compte %(email)s est désactivé.") % {"email": email})
        if action == "create":
            name = (options["name"] or "").strip() or _("ligne de commande")
            _token, key = ApiToken.issue(user, name)
            self.stdout.write(key)
            self.stderr.write(
                _("Jeton créé pour %(email)s : copiez-le, il ne sera plus affiché.")
                % {"email": user.email}
            )
        elif action == "list":
            for token in user.api_tokens.active():
                used = token.last_used_at.isoformat() if token.last_used_at else "-"
                self.stdout.write(
                    f"{token.prefix}\t{token.name}\t{token.created_at.isoformat()}\t{used}"
                )
        else:
            tokens = user.api_tokens.active().filter(prefix=options["prefix"])
            if not tokens.exists():
                raise CommandError(
                    _("Aucun jeton actif ne commence par %(p)s.") % {"p": options["prefix"]}
                )
            tokens.update(revoked_at=timezone.now())
            self.stdout.write(_("Jeton révoqué."))
